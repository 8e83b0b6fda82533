"""Watching running mentorships: which need the coordinator's attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import (
    ApprenticeProfile,
    CheckIn,
    Mentorship,
    MentorshipStatus,
)
from web.models.base import utcnow
from web.services import check_expiry
from web.services.publishing import LIVE

LOW_RATING = 2
RESPONSE_DAYS = 7
_SIDES = {"apprentice": "the apprentice", "mentor": "the mentor"}


@dataclass
class WatchedMentorship:
    """A running or awaiting mentorship and the reasons it needs attention, if any."""

    mentorship: Mentorship
    flags: list[str] = field(default_factory=list)


def previous_month(today: date) -> str:
    """The calendar month before `today`, as check-ins store it ('YYYY-MM')."""
    first = today.replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def watch_mentorships(
    *, cohort_id: int | None = None, flagged_only: bool = False, now: datetime | None = None
) -> list[WatchedMentorship]:
    """Active and awaiting mentorships with their flags, optionally one cohort or flagged only."""
    now = now or utcnow()
    query = (
        select(Mentorship)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(Mentorship.status.in_(LIVE))
        .order_by(Mentorship.published_at, Mentorship.id)
        .options(
            selectinload(Mentorship.check_ins),
            selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.user),
            selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.partner),
            selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.cohort),
            selectinload(Mentorship.mentor),
        )
    )
    if cohort_id:
        query = query.where(ApprenticeProfile.cohort_id == cohort_id)
    watched = [WatchedMentorship(m, flags_for(m, now)) for m in db.session.scalars(query)]
    return [w for w in watched if w.flags] if flagged_only else watched


def flags_for(mentorship: Mentorship, now: datetime) -> list[str]:
    """Plain-language reasons this mentorship needs attention (empty if none)."""
    flags = _missing_check_ins(mentorship, now)
    for latest in _latest_check_ins(mentorship.check_ins):
        if latest.rating <= LOW_RATING:
            side = _SIDES.get(latest.author_role, latest.author_role)
            flags.append(f"Low rating: {latest.rating} of 5 from {side} ({latest.month})")
    if safety := check_expiry.minor_safety_flag(mentorship, now):
        flags.insert(0, safety)
    waited = (now - _aware(mentorship.published_at)).days
    if mentorship.status == MentorshipStatus.AWAITING_MENTOR and waited >= RESPONSE_DAYS:
        flags.append(f"Mentor has not responded for {waited} days")
    return flags


def _missing_check_ins(mentorship: Mentorship, now: datetime) -> list[str]:
    """Sides of an active pair, running all last month, who wrote no check-in for it."""
    if mentorship.status != MentorshipStatus.ACTIVE:
        return []
    month = previous_month(now.date())
    # A pair runs from the mentor's confirmation; older records may lack it.
    active_since = _aware(mentorship.responded_at or mentorship.published_at)
    if active_since >= datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC):
        return []
    wrote = {c.author_role for c in mentorship.check_ins if c.month == month}
    missing = [side for role, side in _SIDES.items() if role not in wrote]
    if not missing:
        return []
    who = "either side" if len(missing) == 2 else missing[0]
    return [f"No check-in for {month} from {who}"]


def _latest_check_ins(check_ins: list[CheckIn]) -> list[CheckIn]:
    """Each side's most recent check-in: one unhappy side is enough to look at the pair."""
    latest: dict[str, CheckIn] = {}
    for check_in in sorted(check_ins, key=lambda c: (c.month, _aware(c.created_at))):
        latest[check_in.author_role] = check_in
    return [latest[role] for role in _SIDES if role in latest]


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
