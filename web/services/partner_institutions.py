"""Partner institutions as program admins keep them: create, edit, deactivate, count."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from web.errors_domain import DomainError
from web.extensions import db
from web.models import ApiToken, ApprenticeProfile, PartnerInstitution, Role, User
from web.models.base import utcnow
from web.services import accounts, audit

FIELDS = ("name", "kind", "contact_name", "contact_email", "contact_phone")


class PartnerNameTaken(DomainError):
    """Another partner institution already has this name."""


@dataclass(frozen=True)
class PartnerCounts:
    """How many contacts (active) and apprentices a partner has."""

    contacts: int
    apprentices: int


def partners_query():
    """Every partner institution, active ones first, by name."""
    return select(PartnerInstitution).order_by(
        PartnerInstitution.active.desc(), func.lower(PartnerInstitution.name)
    )


def counts_for(partner_ids: list[int]) -> dict[int, PartnerCounts]:
    """Contacts and apprentices of each partner, in two grouped queries."""
    contacts = dict(
        db.session.execute(
            select(User.partner_id, func.count())
            .where(User.partner_id.in_(partner_ids), User.role == Role.PARTNER, User.active)
            .group_by(User.partner_id)
        ).all()
    )
    apprentices = dict(
        db.session.execute(
            select(ApprenticeProfile.partner_id, func.count())
            .where(ApprenticeProfile.partner_id.in_(partner_ids))
            .group_by(ApprenticeProfile.partner_id)
        ).all()
    )
    return {
        pid: PartnerCounts(contacts.get(pid, 0), apprentices.get(pid, 0)) for pid in partner_ids
    }


def contacts_of(partner: PartnerInstitution) -> list[User]:
    """The partner's contact accounts, active ones first, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.partner_id == partner.id, User.role == Role.PARTNER)
            .order_by(User.active.desc(), func.lower(User.name))
        )
    )


def create_partner(actor: User, **values: str) -> PartnerInstitution:
    """Store a new partner institution with a unique name."""
    values = _clean(values)
    _check_name(values["name"])
    partner = PartnerInstitution(**values)
    db.session.add(partner)
    db.session.flush()
    audit.record(actor, "partner.created", partner, name=partner.name)
    return partner


def update_partner(partner: PartnerInstitution, actor: User, **values: str) -> None:
    """Change a partner's name, kind or contact details."""
    values = _clean(values)
    _check_name(values["name"], partner.id)
    changed = [key for key in FIELDS if getattr(partner, key) != values[key]]
    for key in changed:
        setattr(partner, key, values[key])
    audit.record(actor, "partner.updated", partner, changed=changed)
    db.session.flush()


def set_active(partner: PartnerInstitution, actor: User, active: bool) -> int:
    """Deactivate a partner (no new apprentices join it) or make it active again.

    Deactivating also closes its contacts' accounts and revokes all of its API tokens, so
    nobody reads its apprentices' records any more; reactivating opens neither again (each
    contact is reactivated on purpose, and tokens are made anew). Returns how many contact
    accounts were closed.
    """
    if partner.active == active:
        state = "active" if active else "deactivated"
        raise DomainError(f"{partner.name} is already {state}.")
    partner.active = active
    closed = 0
    if not active:
        for contact in contacts_of(partner):
            if contact.active:
                accounts.deactivate(contact, actor, reason="Partner institution deactivated")
                closed += 1
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.partner_id == partner.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    audit.record(
        actor,
        "partner.reactivated" if active else "partner.deactivated",
        partner,
        contacts_closed=closed,
    )
    db.session.flush()
    return closed


def _clean(values: dict) -> dict:
    cleaned = {key: (values.get(key) or "").strip() for key in FIELDS}
    cleaned["contact_email"] = cleaned["contact_email"].lower() or None
    return cleaned


def _check_name(name: str, partner_id: int | None = None) -> None:
    same = select(PartnerInstitution.id).where(func.lower(PartnerInstitution.name) == name.lower())
    if partner_id is not None:
        same = same.where(PartnerInstitution.id != partner_id)
    if db.session.scalar(same.limit(1)) is not None:
        raise PartnerNameTaken("A partner institution with this name already exists.")
