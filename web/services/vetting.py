"""Mentor vetting: a self sign-up waits for a coordinator, unless its address is the city's."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import Select, select

from web.errors_domain import DomainError
from web.extensions import db
from web.models import MentorProfile, MentorVetting, User
from web.services import audit

logger = logging.getLogger(__name__)
PENDING, UNVERIFIED, REFUSED, APPROVED = "pending", "unverified", "refused", "approved"


def mentor_email_domains() -> set[str]:
    """The city's domains from MENTOR_EMAIL_DOMAINS (comma-separated), lower case."""
    text = current_app.config.get("MENTOR_EMAIL_DOMAINS") or ""
    return {part.strip().lower().lstrip("@") for part in text.split(",") if part.strip()}


def on_city_domain(email: str) -> bool:
    """True if `email` is at one of the configured city domains."""
    return email.rpartition("@")[2].lower() in mentor_email_domains()


def self_registered(profile: MentorProfile) -> None:
    """A mentor who signed up alone waits for vetting and for their address to be verified."""
    profile.vetting = MentorVetting.PENDING
    profile.user.email_verified = False


def address_verified(user: User) -> None:
    """Approve a pending mentor whose verified address is at a city domain."""
    profile = user.mentor_profile
    if profile is None or profile.vetting != MentorVetting.PENDING:
        return
    if on_city_domain(user.email):
        profile.vetting = MentorVetting.APPROVED
        audit.record(None, "mentor.approved", profile, rule="city email domain")
        logger.info("mentor %s approved by email domain", profile.id)


def standing(profile: MentorProfile) -> str:
    """Where a mentor's offer stands: approved, unverified, pending or refused."""
    if profile.vetting == MentorVetting.REFUSED:
        return REFUSED
    if not profile.user.email_verified:
        return UNVERIFIED
    return APPROVED if profile.vetting == MentorVetting.APPROVED else PENDING


def pending_query() -> Select:
    """Mentors waiting for a coordinator's decision, oldest sign-up first."""
    return (
        select(MentorProfile)
        .where(MentorProfile.vetting == MentorVetting.PENDING)
        .order_by(MentorProfile.created_at, MentorProfile.id)
    )


def approve(profile: MentorProfile, actor: User) -> None:
    """Accept a pending mentor's offer; they are matched once their address is verified."""
    _ensure_pending(profile)
    profile.vetting = MentorVetting.APPROVED
    audit.record(actor, "mentor.approved", profile)
    db.session.flush()


def refuse(profile: MentorProfile, actor: User, reason: str) -> None:
    """Turn down a pending mentor's offer, with the reason; they are never matched."""
    _ensure_pending(profile)
    profile.vetting = MentorVetting.REFUSED
    audit.record(actor, "mentor.refused", profile, reason=reason.strip())
    db.session.flush()


def _ensure_pending(profile: MentorProfile) -> None:
    if profile.vetting != MentorVetting.PENDING:
        raise DomainError(f"{profile.user.name}'s offer was already {profile.vetting}.")
