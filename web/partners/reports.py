"""The numbers a partner sees: funnel, match rate, pathways chosen and check-in health.

Everything here works on apprentices already picked by `web.partners.services`, which is
where scoping to one partner happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import aliased, joinedload, lazyload

from web import catalog
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    CheckIn,
    Cohort,
    MatchRound,
    MatchStatus,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    ProposedMatch,
    RoundStatus,
)
from web.partners import services
from web.partners.services import ApprenticeRow
from web.services import kept_figures

LOW_RATING = 2
# The dashboard names this many pairs needing attention per list, and counts the rest.
NAMED_PER_LIST = 20


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
    low_count: int = 0
    missing_count: int = 0


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
    """Funnel, pathways chosen and check-in health of the partner's apprentices in `cohort`.

    Counted over all of them in SQL, and kept until the program changes.
    """
    figures = _cohort_figures(partner_id, cohort, last_month)
    return CohortSummary(
        cohort=cohort,
        funnel=Funnel(**figures["funnel"]),
        pathways=tuple((key, count) for key, count in figures["pathways"]),
        check_ins=_check_in_health(last_month, figures["check_ins"]),
    )


def cohort_funnel(partner_id: int, cohort: Cohort, last_month: str) -> Funnel:
    """The summary's funnel alone: its kept figures, without naming the pairs to look at."""
    return Funnel(**_cohort_figures(partner_id, cohort, last_month)["funnel"])


def _cohort_figures(partner_id: int, cohort: Cohort, last_month: str) -> dict:
    scope = (
        ApprenticeProfile.partner_id == partner_id,
        ApprenticeProfile.cohort_id == cohort.id,
        ApprenticeProfile.status != ApprenticeStatus.WITHDRAWN,
    )
    return kept_figures.kept(
        f"partner:{partner_id}:cohort:{cohort.id}:{last_month}",
        lambda: _count_cohort(cohort.id, scope, last_month),
    )


def _count_cohort(cohort_id: int, scope: tuple, last_month: str) -> dict:
    """The summary's figures as JSON data: funnel, pathways by count, check-ins due."""
    return {
        "funnel": _funnel(cohort_id, scope),
        "pathways": _pathways_chosen(scope),
        "check_ins": _count_check_ins(scope, last_month),
    }


def _pathways_chosen(scope: tuple) -> list[list]:
    """[pathway key, apprentices who chose it], most chosen first, counted by the database.

    The pathways are a JSON list per apprentice: its elements are read as rows.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # A set-returning function names its one column after its alias: name it "value".
        elements = func.json_array_elements_text(ApprenticeProfile.pathways)
        pathway = elements.table_valued("value").render_derived(name="pathway")
    else:
        pathway = func.json_each(ApprenticeProfile.pathways).table_valued("value").alias("pathway")
    how_many = func.count()
    rows = db.session.execute(
        select(pathway.c.value, how_many)
        .select_from(ApprenticeProfile)
        .join(pathway, true())
        .where(*scope)
        .group_by(pathway.c.value)
        .order_by(how_many.desc(), pathway.c.value)
    )
    return [[key, count] for key, count in rows]


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


def _funnel(cohort_id: int, scope: tuple) -> dict[str, int]:
    """Registered -> matched (latest succeeded round) -> approved -> active, in one statement.

    An apprentice whose pair was already published counts as matched and approved even when
    a later round no longer lists them, so each step stays within the one before.
    """
    latest = (
        select(func.max(MatchRound.id))
        .where(MatchRound.cohort_id == cohort_id, MatchRound.status == RoundStatus.SUCCEEDED)
        .scalar_subquery()
    )
    proposed = (
        select(ProposedMatch.apprentice_id, ProposedMatch.status)
        .where(ProposedMatch.round_id == latest)
        .subquery()
    )
    published = aliased(Mentorship)
    is_published = published.id.is_not(None)
    row = db.session.execute(
        select(
            func.count(),
            _how_many(proposed.c.apprentice_id.is_not(None) | is_published),
            _how_many((proposed.c.status == MatchStatus.APPROVED) | is_published),
            _how_many(published.status == MentorshipStatus.ACTIVE),
        )
        .select_from(ApprenticeProfile)
        .outerjoin(proposed, proposed.c.apprentice_id == ApprenticeProfile.id)
        .outerjoin(published, published.id == services.latest_mentorship_id(ApprenticeProfile.id))
        .where(*scope)
    ).one()
    return dict(zip(("registered", "matched", "approved", "active"), map(int, row), strict=True))


def _how_many(condition):
    """SQL: how many rows meet `condition`."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _count_check_ins(scope: tuple, last_month: str) -> dict:
    """Active mentorships running since before `last_month` ended, by last month's ratings.

    Counted by the database, with [mentorship id, rating] of the first pairs needing
    attention, to name them.
    """
    lowest = (
        select(CheckIn.mentorship_id, func.min(CheckIn.rating).label("rating"))
        .where(CheckIn.month == last_month)
        .group_by(CheckIn.mentorship_id)
        .subquery()
    )
    due = (
        select(ApprenticeProfile.id)
        .join(Mentorship, Mentorship.apprentice_id == ApprenticeProfile.id)
        .outerjoin(lowest, lowest.c.mentorship_id == Mentorship.id)
        .where(
            *scope,
            Mentorship.id == services.latest_mentorship_id(ApprenticeProfile.id),
            Mentorship.status == MentorshipStatus.ACTIVE,
            Mentorship.published_at < _month_after(last_month),
        )
    )
    rating = lowest.c.rating
    healthy, low, missing = db.session.execute(
        due.with_only_columns(
            _how_many(rating > LOW_RATING),
            _how_many(rating <= LOW_RATING),
            _how_many(rating.is_(None)),
        )
    ).one()
    needing = db.session.execute(
        due.with_only_columns(Mentorship.id, rating)
        .where(rating.is_(None) | (rating <= LOW_RATING))
        .order_by(Mentorship.id)
        .limit(2 * NAMED_PER_LIST)
    )
    return {
        "healthy": int(healthy),
        "low": int(low),
        "missing": int(missing),
        "needing": [[mentorship_id, r] for mentorship_id, r in needing],
    }


def _check_in_health(last_month: str, counted: dict) -> CheckInHealth:
    """The counted check-ins, naming the first pairs needing attention (one statement)."""
    rating = dict(counted["needing"])
    needing = db.session.execute(
        select(ApprenticeProfile, Mentorship)
        .join(Mentorship, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(Mentorship.id.in_(rating))
        .options(joinedload(ApprenticeProfile.user), lazyload(ApprenticeProfile.skills))
        .options(joinedload(Mentorship.mentor).lazyload(MentorProfile.skills))
        .order_by(Mentorship.id)
    ).all()
    named = [(services.apprentice_row(a, m), rating[m.id]) for a, m in needing]
    low_rows = tuple(row for row, r in named if r is not None)[:NAMED_PER_LIST]
    missing_rows = tuple(row for row, r in named if r is None)[:NAMED_PER_LIST]
    low, missing = counted["low"], counted["missing"]
    return CheckInHealth(last_month, counted["healthy"], low_rows, missing_rows, low, missing)


def _month_after(month: str) -> datetime:
    """The first moment after the month 'YYYY-MM' ends, in UTC."""
    year, number = (int(part) for part in month.split("-"))
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return datetime(year, number, 1, tzinfo=UTC)


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
