"""Flags on pairs a coordinator should look at, raised by the daily job, once each."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from web.extensions import db
from web.models import Mentorship, MentorshipStatus, PairFlag
from web.services import audit
from web.services.pair_activity import (
    last_activity,
    mentorships_in,
    published_on,
)
from web.services.reminder_settings import reminder_days
from web.services.reminders import IDLE_DAYS

logger = logging.getLogger(__name__)
# A pair nudged for being idle is flagged if two more weeks pass without a meeting.
FLAG_DAYS_AFTER_NUDGE = 14
IDLE, UNCONFIRMED = "idle", "unconfirmed"


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
