"""Watching running mentorships: which need the coordinator's attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from web.extensions import db
from web.models import (
    ApprenticeProfile,
    CheckIn,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
)
from web.models.base import utcnow
from web.services import check_expiry
from web.services.paging import Page, paginate
from web.services.publishing import LIVE

LOW_RATING = 2
RESPONSE_DAYS = 7
WATCHED_PER_PAGE = 100
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
    watched = [WatchedMentorship(m, flags_for(m, now)) for m in _live(cohort_id)]
    return [w for w in watched if w.flags] if flagged_only else watched


def watch_page(
    number: int, *, cohort_id: int | None = None, flagged_only: bool = False, now=None
) -> Page:
    """One page of `watch_mentorships`: counted and cut by the database unless flagged only.

    Flags depend on dates and ratings worked out here, so the flagged list reads every live
    mentorship of the choice, in batches, keeping only the page asked for.
    """
    now = now or utcnow()
    if not flagged_only:
        page = paginate(_live_select(cohort_id), number, WATCHED_PER_PAGE)
        items = [WatchedMentorship(m, flags_for(m, now)) for m in page.items]
        return Page(items, page.number, page.per_page, page.total)
    flagged = [
        w
        for m in _live(cohort_id, batched=True)
        if (w := WatchedMentorship(m, flags_for(m, now))).flags
    ]
    last = max(-(-len(flagged) // WATCHED_PER_PAGE), 1)
    number = min(max(number, 1), last)
    start = (number - 1) * WATCHED_PER_PAGE
    return Page(flagged[start : start + WATCHED_PER_PAGE], number, WATCHED_PER_PAGE, len(flagged))


def _live_select(cohort_id: int | None):
    """Live mentorships, oldest first, with what the list shows loaded alongside."""
    query = (
        select(Mentorship)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(Mentorship.status.in_(LIVE))
        .order_by(Mentorship.published_at, Mentorship.id)
        .options(
            selectinload(Mentorship.check_ins),
            joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.user),
            joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.partner),
            joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.cohort),
            joinedload(Mentorship.apprentice).lazyload(ApprenticeProfile.skills),
            joinedload(Mentorship.mentor).lazyload(MentorProfile.skills),
        )
    )
    if cohort_id:
        query = query.where(ApprenticeProfile.cohort_id == cohort_id)
    return query


def _live(cohort_id: int | None, batched: bool = False):
    query = _live_select(cohort_id)
    if batched:
        query = query.execution_options(yield_per=500)
    return db.session.scalars(query)


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
