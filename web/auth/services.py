"""Accounts: creating users, checking their passwords and setting new ones."""

from __future__ import annotations

from sqlalchemy import exists, func, literal, select

from web.auth.passwords import hash_password, password_problem, verify_dummy, verify_password
from web.auth.sessions import end_all_sessions
from web.database import insert_on_conflict
from web.errors_domain import DomainError
from web.extensions import db
from web.models import Role, User
from web.services import audit

# Accounts made without a password (imported people) store a hash no format matches.
_UNUSABLE_PREFIX = "!"


class EmailTaken(DomainError):
    """Another account already uses this email address."""


class PasswordNotAllowed(DomainError):
    """The new password is too short, too long or too common."""


def find_user_by_email(email: str) -> User | None:
    """The user whose email matches, ignoring case."""
    return db.session.scalar(select(User).where(_same_email(email)))


def _same_email(email: str):
    """SQL: the user's email is `email`, ignoring case and surrounding spaces."""
    return func.lower(User.email) == email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None, in the same time either way.

    A correct password stored under an older hash is hashed again with Argon2id.
    """
    user = find_user_by_email(email)
    if user is None or not has_usable_password(user):
        verify_dummy(password)
        return None
    result = verify_password(user.password_hash, password)
    if not (result.matches and user.active):
        return None
    if result.needs_rehash:
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    partner_id: int | None = None,
    email_verified: bool = True,
    language: str | None = None,
) -> User:
    """Add a user; raise EmailTaken if the address is already registered.

    The password is hashed first either way, so the answer takes as long for a taken address.
    """
    password_hash = hash_password(password)
    row = {
        "email": email.strip().lower(),
        "name": name.strip(),
        "role": role,
        "partner_id": partner_id,
        "password_hash": password_hash,
        "email_verified": email_verified,
        "language": language,
    }
    # Inserted only where no account has the address in any letter case; a second
    # registration sent at the same moment passes that test too, and the unique index then
    # refuses its row, which is skipped, so the rest of the transaction stays usable.
    columns = User.__table__.c
    values = select(*(literal(value, columns[name].type) for name, value in row.items()))
    user = db.session.scalar(
        insert_on_conflict(User)
        .from_select(list(row), values.where(~exists().where(_same_email(email))))
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User)
    )
    if user is None:
        raise EmailTaken("An account with this email address already exists. Sign in instead.")
    return user


def has_usable_password(user: User) -> bool:
    """False for an account that was created without a password and never got one."""
    return not user.password_hash.startswith(_UNUSABLE_PREFIX)


def set_new_password(user: User, password: str) -> None:
    """Replace `user`'s password, which spends every set-password link and ends every session."""
    if problem := password_problem(password):
        raise PasswordNotAllowed(problem)
    first = not has_usable_password(user)
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    audit.record(user, "password.set", user, first_password=first)
    db.session.flush()
