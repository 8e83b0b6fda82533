"""Accounts: creating users and checking their passwords."""

from __future__ import annotations

from sqlalchemy import func, select

from web.errors_domain import DomainError
from web.extensions import db
from web.models import Role, User

MIN_PASSWORD_LENGTH = 10


class EmailTaken(DomainError):
    """Another account already uses this email address."""


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
    if find_user_by_email(email):
        raise EmailTaken("An account with this email address already exists. Sign in instead.")
    user = User(email=email.strip().lower(), name=name.strip(), role=role, partner_id=partner_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
