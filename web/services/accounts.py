"""Accounts that program admins run: coordinators and their roles, invitations, deactivation."""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import Select, func, select, update

from web.auth.services import find_user_by_email
from web.auth.sessions import end_all_sessions
from web.errors_domain import DomainError
from web.extensions import db
from web.models import ApiToken, CoordinatorRole, PartnerInstitution, Role, User
from web.models.base import utcnow
from web.services import audit, invitations

logger = logging.getLogger(__name__)
ROLE_LABELS = {CoordinatorRole.ADMIN: "Program admin", CoordinatorRole.REVIEWER: "Reviewer"}


class AccountExists(DomainError):
    """Another account already uses this email address."""


class NotAllowedOnYourself(DomainError):
    """A program admin may not lock themselves out."""


def program_admins() -> list[User]:
    """The active program admins, by name: the people told about the program's problems."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.COORDINATOR,
                User.coordinator_role == CoordinatorRole.ADMIN,
                User.active,
            )
            .order_by(User.name, User.id)
        )
    )


def any_coordinator() -> bool:
    """True once at least one coordinator account exists."""
    return (
        db.session.scalar(select(User.id).where(User.role == Role.COORDINATOR).limit(1)) is not None
    )


def create_first_coordinator(email: str, name: str) -> User:
    """A program admin without a password, made from the command line; AccountExists if taken."""
    user = new_account(email, name, Role.COORDINATOR, coordinator_role=CoordinatorRole.ADMIN)
    audit.record(None, "coordinator.created", user, by="command line")
    db.session.flush()
    return user


def invite_coordinator(email: str, name: str, role: str, actor: User) -> User:
    """Make a coordinator account with `role` and email it an invitation to set a password."""
    user = new_account(email, name, Role.COORDINATOR, coordinator_role=CoordinatorRole(role))
    invitations.queue_invitations([user.id])
    audit.record(actor, "coordinator.invited", user, coordinator_role=role)
    db.session.flush()
    return user


def invite_partner_contact(partner: PartnerInstitution, email: str, name: str, actor: User) -> User:
    """Make a contact account of `partner` and email it an invitation to set a password."""
    if not partner.active:
        raise DomainError(f"{partner.name} is deactivated: reactivate it before inviting contacts.")
    user = new_account(email, name, Role.PARTNER, partner=partner)
    invitations.queue_invitations([user.id])
    audit.record(actor, "partner_contact.invited", user, partner_id=partner.id)
    db.session.flush()
    return user


def new_account(
    email: str,
    name: str,
    role: Role,
    *,
    partner: PartnerInstitution | None = None,
    coordinator_role: CoordinatorRole | None = None,
) -> User:
    """An account with no usable password yet; its owner sets one through an emailed link."""
    if existing := find_user_by_email(email):
        raise AccountExists(
            f"An account with {existing.email} already exists ({existing.role}); "
            "nothing was changed."
        )
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        partner=partner,
        coordinator_role=coordinator_role,
    )
    user.password_hash = "!" + secrets.token_hex(16)  # no hash format matches: cannot sign in
    db.session.add(user)
    db.session.flush()
    return user


def coordinators_query() -> Select:
    """Every coordinator, active ones first, by name."""
    return (
        select(User)
        .where(User.role == Role.COORDINATOR)
        .order_by(User.active.desc(), func.lower(User.name), User.id)
    )


def change_coordinator_role(user: User, role: str, actor: User) -> None:
    """Make a coordinator a program admin or a reviewer; never oneself."""
    if user.role != Role.COORDINATOR:
        raise DomainError(f"{user.name} is not a coordinator.")
    if user.id == actor.id:
        _refuse_on_yourself(actor, "change own role")
        raise NotAllowedOnYourself(
            "You cannot change your own role. Ask another program admin to do it."
        )
    before = user.coordinator_role
    user.coordinator_role = CoordinatorRole(role)
    audit.record(actor, "coordinator.role_changed", user, before=before, after=role)
    db.session.flush()


def deactivate(user: User, actor: User, reason: str = "") -> int:
    """Close an account: its sessions end and the API tokens it created stop working.

    Returns how many API tokens were revoked.
    """
    if user.id == actor.id:
        _refuse_on_yourself(actor, "deactivate own account")
        raise NotAllowedOnYourself(
            "You cannot deactivate your own account. Ask another program admin to do it."
        )
    if not user.active:
        raise DomainError(f"{user.name}'s account is already deactivated.")
    user.active = False  # the session loader refuses inactive users on their next request
    # A new session version too: reactivating the account later does not revive old cookies.
    end_all_sessions(user)
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.created_by_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    audit.record(actor, "account.deactivated", user, reason=reason, tokens_revoked=revoked)
    db.session.flush()
    logger.info("user %s deactivated by %s; %d token(s) revoked", user.id, actor.id, revoked)
    return revoked


def reactivate(user: User, actor: User) -> None:
    """Open a deactivated account again (its revoked API tokens stay revoked)."""
    if user.active:
        raise DomainError(f"{user.name}'s account is already active.")
    user.active = True
    audit.record(actor, "account.reactivated", user)
    db.session.flush()


def _refuse_on_yourself(actor: User, attempted: str) -> None:
    """Record that a program admin tried to lock themselves out (the caller then raises)."""
    audit.record(actor, "account.change_refused", actor, attempted=attempted)
    db.session.flush()
