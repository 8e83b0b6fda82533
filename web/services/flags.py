"""Flags on pairs a coordinator should look at, raised by the daily job, once each."""

from __future__ import annotations

import logging
from datetime import date
from email.message import EmailMessage

from sqlalchemy import select

from web.extensions import db
from web.models import Mentorship, MentorshipStatus, PairFlag, User
from web.services import audit
from web.services.email_preferences import required_email
from web.services.notifications import absolute_url
from web.services.pair_activity import (
    last_activity,
    mentorships_in,
    published_on,
)
from web.services.reminder_settings import reminder_days
from web.services.reminders import IDLE_DAYS, DueEmail, already_sent, coordinators

logger = logging.getLogger(__name__)
# A pair nudged for being idle is flagged if two more weeks pass without a meeting.
FLAG_DAYS_AFTER_NUDGE = 14
IDLE, UNCONFIRMED = "idle", "unconfirmed"
DIGEST = "flag_digest"
COORDINATOR_WHY = "you coordinate the Pathways program."


def raise_flags(today: date) -> list[PairFlag]:
    """Flag idle pairs and unanswered matches due on `today`; return the new flags."""
    flags = [*_idle_flags(today), *_unconfirmed_flags(today)]
    db.session.flush()
    return flags


def _idle_flags(today: date) -> list[PairFlag]:
    active = mentorships_in(MentorshipStatus.ACTIVE)
    latest = last_activity(active, today)
    flags = []
    for mentorship in active:
        idle_days = (today - latest[mentorship.id]).days
        if idle_days >= IDLE_DAYS + FLAG_DAYS_AFTER_NUDGE:
            reason = f"No check-in or meeting since {latest[mentorship.id]:%d %B %Y}."
            flag = _raise(mentorship, IDLE, latest[mentorship.id].isoformat(), reason, today)
            flags += [flag] if flag else []
    return flags


def _unconfirmed_flags(today: date) -> list[PairFlag]:
    flags = []
    for mentorship in mentorships_in(MentorshipStatus.AWAITING_MENTOR):
        _, escalate_days = reminder_days(mentorship.apprentice.cohort_id)
        since = published_on(mentorship)
        if (today - since).days >= escalate_days:
            reason = f"The mentor has not answered since {since:%d %B %Y}."
            flag = _raise(mentorship, UNCONFIRMED, "once", reason, today)
            flags += [flag] if flag else []
    return flags


def _raise(
    mentorship: Mentorship, kind: str, period: str, reason: str, today: date
) -> PairFlag | None:
    """A new flag, or None if this one was raised before."""
    exists = db.session.scalar(
        select(PairFlag.id).where(
            PairFlag.mentorship_id == mentorship.id,
            PairFlag.kind == kind,
            PairFlag.period == period,
        )
    )
    if exists is not None:
        return None
    flag = PairFlag(mentorship=mentorship, kind=kind, period=period, reason=reason, raised_on=today)
    db.session.add(flag)
    audit.record(None, "pair.flagged", mentorship, reason=reason, kind=kind, period=period)
    logger.info("mentorship %s flagged: %s", mentorship.id, kind)
    return flag


def undigested_flags() -> list[PairFlag]:
    """Flags no coordinator digest has listed yet, oldest first."""
    return list(
        db.session.scalars(
            select(PairFlag).where(PairFlag.digested_on.is_(None)).order_by(PairFlag.id)
        )
    )


def digest_emails(today: date) -> tuple[list[DueEmail], list[PairFlag]]:
    """One digest per coordinator of the flags no digest listed yet; at most one a day."""
    pending = undigested_flags()
    staff = coordinators()
    period = today.isoformat()
    if not pending or any(already_sent(DIGEST, "flags", c, period) for c in staff):
        return [], []  # flags raised after today's digest wait for tomorrow's
    due = [DueEmail(DIGEST, "flags", c, period, _digest_writer(c, pending)) for c in staff]
    return due, pending


def mark_digested(flags: list[PairFlag], today: date) -> None:
    """Record that today's digest listed `flags`."""
    for flag in flags:
        flag.digested_on = today
    db.session.flush()


def _digest_writer(coordinator: User, pending: list[PairFlag]):
    def write() -> EmailMessage:
        lines = [f"Hello {coordinator.name},", "", "These pairs need a look:"]
        for flag in pending:
            ship = flag.mentorship
            who = f"{ship.apprentice.display_name} and {ship.mentor.user.name}"
            lines.append(f"- {who}: {flag.reason}")
        lines += ["", absolute_url("coordinator.dashboard")]
        count = len(pending)
        subject = f"Pathways: {count} pair{'s' if count > 1 else ''} flagged"
        return required_email([coordinator.email], subject, lines, COORDINATOR_WHY)

    return write
