"""Mentor vetting: a self sign-up waits for a coordinator, unless its address is the city's."""

from __future__ import annotations

import logging
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import Select, select

from web.database import enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.models import MentorProfile, MentorVetting, User
from web.services import audit
from web.services.notifications import absolute_url, compose

logger = logging.getLogger(__name__)
PENDING, UNVERIFIED, REFUSED, APPROVED = "pending", "unverified", "refused", "approved"
DECISION_TASK = "workers.tasks.send_vetting_decision"


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
    enqueue_after_commit(DECISION_TASK, profile.id)


def refuse(profile: MentorProfile, actor: User, reason: str) -> None:
    """Turn down a pending mentor's offer, with the reason; they are never matched."""
    _ensure_pending(profile)
    profile.vetting = MentorVetting.REFUSED
    audit.record(actor, "mentor.refused", profile, reason=reason.strip())
    db.session.flush()
    enqueue_after_commit(DECISION_TASK, profile.id)


def decision_email(profile: MentorProfile) -> EmailMessage | None:
    """The email telling a mentor the program's decision on their offer; None while pending."""
    user = profile.user
    if profile.vetting == MentorVetting.APPROVED:
        lines = [
            f"Hello {user.name},",
            "",
            "Your offer to mentor in Pathways, the city's mentoring program, is approved.",
            "From the next matching round, you can be paired with apprentices"
            + ("." if user.email_verified else ", once you confirm your email address."),
        ]
    elif profile.vetting == MentorVetting.REFUSED:
        lines = [
            f"Hello {user.name},",
            "",
            "The program did not approve your offer to mentor in Pathways, so you will not be",
            "paired with apprentices. If you think this is a mistake, reply to this email.",
        ]
    else:
        return None
    lines += ["", f"Your page: {absolute_url('mentors.dashboard')}"]
    return compose([user.email], "Your offer to mentor in Pathways", lines)


def _ensure_pending(profile: MentorProfile) -> None:
    if profile.vetting != MentorVetting.PENDING:
        raise DomainError(f"{profile.user.name}'s offer was already {profile.vetting}.")
