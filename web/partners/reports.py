"""The numbers a partner sees: funnel, match rate, pathways chosen and check-in health.

Everything here works on apprentices already picked by `web.partners.services`, which is
where scoping to one partner happens.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from web import catalog
from web.extensions import db
from web.models import (
    CheckIn,
    Cohort,
    MatchRound,
    MatchStatus,
    Mentorship,
    MentorshipStatus,
    ProposedMatch,
    RoundStatus,
)
from web.partners import services
from web.partners.services import ApprenticeRow

LOW_RATING = 2


@dataclass(frozen=True)
class Funnel:
    """How far the partner's apprentices in a cohort have come."""

    registered: int
    matched: int
    approved: int
    active: int

    @property
    def match_rate(self) -> float:
        """Share of registered apprentices proposed a mentor (0 when nobody registered)."""
        return self.matched / self.registered if self.registered else 0.0

    def steps(self) -> list[tuple[str, int]]:
        """The funnel as (label, count) rows for a chart."""
        return [
            ("Registered", self.registered),
            ("Matched", self.matched),
            ("Approved", self.approved),
            ("Active", self.active),
        ]


@dataclass(frozen=True)
class CheckInHealth:
    """Active mentorships whose last month's check-in is missing or rated low."""

    month: str
    healthy: int
    low: tuple[ApprenticeRow, ...]
    missing: tuple[ApprenticeRow, ...]


@dataclass(frozen=True)
class CohortSummary:
    """A cohort as one partner sees it."""

    cohort: Cohort
    funnel: Funnel
    pathways: tuple[tuple[str, int], ...]
    check_ins: CheckInHealth


@dataclass(frozen=True)
class MonthOfCheckIns:
    """Both sides' ratings for one month of a mentorship."""

    month: str
    apprentice_rating: int | None
    mentor_rating: int | None


@dataclass(frozen=True)
class ApprenticeDetail:
    """One apprentice with the skills they want and how their check-ins are going."""

    row: ApprenticeRow
    cohort: Cohort
    skills: tuple[tuple[str, str, int], ...]
    months: tuple[MonthOfCheckIns, ...]
    last_month: str
    last_month_state: str | None


def previous_month(today: date) -> str:
    """The month before `today` as 'YYYY-MM': the one whose check-ins should be in."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def cohort_summary(partner_id: int, cohort: Cohort, last_month: str) -> CohortSummary:
    """Funnel, pathways chosen and check-in health of the partner's apprentices in `cohort`."""
    apprentices = services.cohort_profiles(partner_id, cohort.id)
    ids = [a.id for a in apprentices]
    pathways = Counter(p for a in apprentices for p in a.pathways)
    return CohortSummary(
        cohort=cohort,
        funnel=_funnel(cohort.id, ids),
        pathways=tuple(sorted(pathways.items(), key=lambda kv: (-kv[1], kv[0]))),
        check_ins=_check_in_health(apprentices, last_month),
    )


def apprentice_detail(partner_id: int, apprentice_id: int, last_month: str) -> ApprenticeDetail:
    """Everything a partner may see about one of its apprentices."""
    apprentice = services.get_apprentice(partner_id, apprentice_id)
    mentorship = services.published_mentorships([apprentice.id]).get(apprentice.id)
    row = services.apprentice_row(apprentice, mentorship)
    if row.withdrawn:
        return ApprenticeDetail(row, apprentice.cohort, (), (), last_month, None)
    months = _months(mentorship) if mentorship else ()
    state = _month_state(mentorship, months, last_month)
    skills = _skills_wanted(apprentice)
    return ApprenticeDetail(row, apprentice.cohort, skills, months, last_month, state)


def pathway_rows(summary: CohortSummary) -> list[tuple[str, int]]:
    """Pathways chosen as (label, count) rows for a chart."""
    return [(catalog.label(key), count) for key, count in summary.pathways]


def _skills_wanted(apprentice) -> tuple[tuple[str, str, int], ...]:
    """(key, label, level wanted) for each skill, in the taxonomy's wording."""
    return tuple(sorted((s.skill.key, s.skill.label, s.level) for s in apprentice.skills))


def _funnel(cohort_id: int, apprentice_ids: list[int]) -> Funnel:
    """Registered -> matched (latest succeeded round) -> approved -> active.

    An apprentice whose pair was already published counts as matched and approved even when
    a later round no longer lists them, so each step stays within the one before.
    """
    proposed = _latest_round_decisions(cohort_id, apprentice_ids)
    statuses = _mentorship_statuses(apprentice_ids)
    published = set(statuses)
    approved = {a for a, status in proposed.items() if status == MatchStatus.APPROVED}
    active = {a for a, status in statuses.items() if status == MentorshipStatus.ACTIVE}
    return Funnel(
        registered=len(apprentice_ids),
        matched=len(set(proposed) | published),
        approved=len(approved | published),
        active=len(active),
    )


def _latest_round_decisions(cohort_id: int, apprentice_ids: list[int]) -> dict[int, str]:
    """Apprentice id -> decision on their pair in the cohort's latest succeeded round."""
    latest = db.session.scalar(
        select(func.max(MatchRound.id)).where(
            MatchRound.cohort_id == cohort_id, MatchRound.status == RoundStatus.SUCCEEDED
        )
    )
    if latest is None or not apprentice_ids:
        return {}
    rows = db.session.execute(
        select(ProposedMatch.apprentice_id, ProposedMatch.status).where(
            ProposedMatch.round_id == latest, ProposedMatch.apprentice_id.in_(apprentice_ids)
        )
    )
    return dict(rows.all())


def _mentorship_statuses(apprentice_ids: list[int]) -> dict[int, str]:
    """Apprentice id -> status of their latest published, not declined, mentorship."""
    return {a: m.status for a, m in services.published_mentorships(apprentice_ids).items()}


def _check_in_health(apprentices, last_month: str) -> CheckInHealth:
    """Active mentorships running since before `last_month` ended, by last month's ratings."""
    by_id = {a.id: a for a in apprentices}
    mentorships = [
        m
        for m in services.published_mentorships(list(by_id)).values()
        if m.status == MentorshipStatus.ACTIVE and _month_of(m.published_at) <= last_month
    ]
    lowest = _lowest_ratings([m.id for m in mentorships], last_month)
    low, missing = [], []
    for mentorship in mentorships:
        rating = lowest.get(mentorship.id)
        if rating is None or rating <= LOW_RATING:
            row = services.apprentice_row(by_id[mentorship.apprentice_id], mentorship)
            (missing if rating is None else low).append(row)
    healthy = len(mentorships) - len(low) - len(missing)
    return CheckInHealth(last_month, healthy, tuple(low), tuple(missing))


def _lowest_ratings(mentorship_ids: list[int], month: str) -> dict[int, int]:
    if not mentorship_ids:
        return {}
    rows = db.session.execute(
        select(CheckIn.mentorship_id, func.min(CheckIn.rating))
        .where(CheckIn.mentorship_id.in_(mentorship_ids), CheckIn.month == month)
        .group_by(CheckIn.mentorship_id)
    )
    return dict(rows.all())


def _months(mentorship: Mentorship) -> tuple[MonthOfCheckIns, ...]:
    """Check-in ratings per month, both sides side by side; notes stay private."""
    ratings: dict[str, dict[str, int]] = {}
    for check_in in mentorship.check_ins:
        ratings.setdefault(check_in.month, {})[check_in.author_role] = check_in.rating
    return tuple(
        MonthOfCheckIns(month, sides.get("apprentice"), sides.get("mentor"))
        for month, sides in sorted(ratings.items())
    )


def _month_state(mentorship, months, last_month: str) -> str | None:
    """'ok', 'low' or 'missing' for last month; None when no check-in was due yet."""
    if mentorship is None or mentorship.status != MentorshipStatus.ACTIVE:
        return None
    if _month_of(mentorship.published_at) > last_month:
        return None
    month = next((m for m in months if m.month == last_month), None)
    if month is None:
        return "missing"
    ratings = [r for r in (month.apprentice_rating, month.mentor_rating) if r is not None]
    return "low" if min(ratings) <= LOW_RATING else "ok"


def _month_of(moment) -> str:
    return moment.strftime("%Y-%m")
