"""Accounts: creating users, checking their passwords and setting new ones."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from web.errors_domain import DomainError
from web.extensions import db
from web.models import Role, User
from web.services import audit

MIN_PASSWORD_LENGTH = 10
# Accounts made without a password (imported people) store a hash no format matches.
_UNUSABLE_PREFIX = "!"


class EmailTaken(DomainError):
    """Another account already uses this email address."""


class PasswordTooShort(DomainError):
    """The new password is shorter than MIN_PASSWORD_LENGTH."""


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active user with this id, if any."""
    user = db.session.get(User, int(user_id))
    return user if user and user.active else None


def find_user_by_email(email: str) -> User | None:
    """The user whose email matches, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user_by_email(email)
    if user and user.active and user.check_password(password):
        return user
    return None


def create_user(
    *, email: str, name: str, password: str, role: Role, partner_id: int | None = None
) -> User:
    """Add a user; raise EmailTaken if the address is already registered."""
    taken = EmailTaken("An account with this email address already exists. Sign in instead.")
    if find_user_by_email(email):
        raise taken
    user = User(email=email.strip().lower(), name=name.strip(), role=role, partner_id=partner_id)
    user.set_password(password)
    try:
        # A second registration sent at the same moment passes the check above; the unique
        # index refuses it, and the savepoint keeps the rest of the transaction usable.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise taken from None
    return user


def has_usable_password(user: User) -> bool:
    """False for an account that was created without a password and never got one."""
    return not user.password_hash.startswith(_UNUSABLE_PREFIX)


def set_new_password(user: User, password: str) -> None:
    """Replace `user`'s password, which also spends every set-password link sent to them."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    first = not has_usable_password(user)
    user.set_password(password)
    audit.record(user, "password.set", user, first_password=first)
    db.session.flush()
