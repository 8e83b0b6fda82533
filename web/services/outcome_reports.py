"""The program's outcome figures: completion, NPS, goals, skills, hires and retention.

Each section is one aggregate statement (two for skills), however large the program, and
comes back as plain JSON-ready data: the columns it has and one row per group. A scope
narrows every section to one partner's apprentices and, optionally, one cohort.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case, func, select

from web.extensions import db
from web.models import (
    ApprenticeProfile,
    Cohort,
    Goal,
    Mentorship,
    MentorshipOutcome,
    MentorshipStatus,
    Outcome,
    OutcomeKind,
    RetentionCheck,
    Skill,
    Survey,
    User,
)
from web.models.base import utcnow

PROMOTER_FROM, DETRACTOR_UP_TO = 9, 6
RUNNING = (MentorshipStatus.ACTIVE, MentorshipStatus.AWAITING_MENTOR)


@dataclass(frozen=True)
class ReportScope:
    """Whose figures: everyone's, or one partner's apprentices; all cohorts or one."""

    partner_id: int | None = None
    cohort_id: int | None = None

    def conditions(self) -> list:
        """SQL conditions on ApprenticeProfile that keep the scope's apprentices."""
        found = []
        if self.partner_id is not None:
            found.append(ApprenticeProfile.partner_id == self.partner_id)
        if self.cohort_id is not None:
            found.append(ApprenticeProfile.cohort_id == self.cohort_id)
        return found


def share(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def net_promoter_score(promoters: int, detractors: int, responses: int) -> float | None:
    """% promoters (9-10) minus % detractors (0-6), from -100 to 100; None without answers."""
    return round(100 * (promoters - detractors) / responses, 1) if responses else None


def _how_many(condition):
    """SQL: how many rows meet `condition`."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _cohort_columns():
    return (Cohort.name, Cohort.starts_on, Cohort.id)


def _section(key: str, columns: list[str], rows: list[list]) -> dict:
    return {"key": key, "columns": columns, "rows": rows}


def completion(scope: ReportScope) -> dict:
    """Per cohort: mentorships completed, ended early, still running, other endings."""
    outcome = Mentorship.end_outcome
    result = db.session.execute(
        select(
            *_cohort_columns(),
            func.count(),
            _how_many(outcome == MentorshipOutcome.COMPLETED),
            _how_many(outcome == MentorshipOutcome.ENDED_EARLY),
            _how_many(Mentorship.status.in_(RUNNING)),
        )
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .where(*scope.conditions())
        .group_by(*_cohort_columns())
        .order_by(Cohort.starts_on, Cohort.id)
    )
    rows = []
    for name, _starts, _id, total, completed, early, running in result:
        other = total - completed - early - running
        rate = share(completed, completed + early)
        rows.append([name, total, completed, early, running, other, rate])
    columns = ["cohort", "mentorships", "completed", "ended_early", "running", "other"]
    return _section("completion", [*columns, "completion_rate"], rows)


def nps(scope: ReportScope) -> dict:
    """Per cohort, survey and side: answers, promoters, passives, detractors, NPS, satisfaction."""
    recommend = Survey.would_recommend
    result = db.session.execute(
        select(
            *_cohort_columns(),
            Survey.kind,
            User.role,
            func.count(),
            _how_many(recommend >= PROMOTER_FROM),
            _how_many(recommend <= DETRACTOR_UP_TO),
            func.coalesce(func.sum(Survey.satisfaction), 0),
        )
        .join(Mentorship, Survey.mentorship_id == Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .join(User, Survey.respondent_id == User.id)
        .where(Survey.answered_at.is_not(None), *scope.conditions())
        .group_by(*_cohort_columns(), Survey.kind, User.role)
        .order_by(Cohort.starts_on, Cohort.id, Survey.kind.desc(), User.role)
    )
    rows = []
    for name, _starts, _id, kind, role, answers, promoters, detractors, satisfaction in result:
        passives = answers - promoters - detractors
        score = net_promoter_score(promoters, detractors, answers)
        mean = round(satisfaction / answers, 2)
        rows.append([name, kind, role, answers, promoters, passives, detractors, score, mean])
    columns = ["cohort", "survey", "respondent", "responses", "promoters", "passives"]
    return _section("nps", [*columns, "detractors", "nps", "mean_satisfaction"], rows)


def goals(scope: ReportScope) -> dict:
    """Per cohort: goals proposed, agreed by both sides, and signed off as met by the mentor."""
    result = db.session.execute(
        select(
            *_cohort_columns(),
            func.count(),
            _how_many(Goal.agreed_at.is_not(None)),
            _how_many(Goal.agreed_at.is_not(None) & Goal.met_at.is_not(None)),
        )
        .join(Mentorship, Goal.mentorship_id == Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .where(*scope.conditions())
        .group_by(*_cohort_columns())
        .order_by(Cohort.starts_on, Cohort.id)
    )
    rows = [
        [name, total, agreed, met, share(met, agreed)]
        for name, _starts, _id, total, agreed, met in result
    ]
    return _section("goals", ["cohort", "proposed", "agreed", "met", "met_rate"], rows)


def skills(scope: ReportScope) -> dict:
    """Per skill: agreed goals tied to it, and how many of them the mentor signed off."""
    tied = db.session.execute(
        select(Goal.skill_ids, Goal.met_at.is_not(None))
        .join(Mentorship, Goal.mentorship_id == Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(Goal.agreed_at.is_not(None), *scope.conditions())
    )
    agreed, met = Counter(), Counter()
    for skill_ids, signed_off in tied:
        for skill_id in set(skill_ids or []):
            agreed[skill_id] += 1
            met[skill_id] += bool(signed_off)
    named = db.session.execute(
        select(Skill.id, Skill.label, Skill.category).where(Skill.id.in_(list(agreed)))
    )
    rows = [
        [label, category, agreed[skill_id], met[skill_id], share(met[skill_id], agreed[skill_id])]
        for skill_id, label, category in named
    ]
    rows.sort(key=lambda row: (-row[3], -row[2], row[0]))
    return _section("skills", ["skill", "category", "agreed_goals", "signed_off", "rate"], rows)


def hires(scope: ReportScope) -> dict:
    """City hires of apprentices after the program, by department and job title."""
    result = db.session.execute(
        select(Outcome.department, Outcome.job_title, func.count())
        .join(ApprenticeProfile, Outcome.apprentice_id == ApprenticeProfile.id)
        .where(Outcome.kind == OutcomeKind.HIRED, *scope.conditions())
        .group_by(Outcome.department, Outcome.job_title)
        .order_by(func.count().desc(), Outcome.department, Outcome.job_title)
    )
    rows = [[department or "", title or "", count] for department, title, count in result]
    return _section("hires", ["department", "job_title", "hires"], rows)


def retention(scope: ReportScope) -> dict:
    """Per check (6 and 12 months after a hire): still employed, left, not answered yet."""
    employed = RetentionCheck.still_employed
    result = db.session.execute(
        select(
            RetentionCheck.months,
            func.count(),
            _how_many(employed.is_(True)),
            _how_many(employed.is_(False)),
            _how_many(employed.is_(None)),
        )
        .join(Outcome, RetentionCheck.outcome_id == Outcome.id)
        .join(ApprenticeProfile, Outcome.apprentice_id == ApprenticeProfile.id)
        .where(*scope.conditions())
        .group_by(RetentionCheck.months)
        .order_by(RetentionCheck.months)
    )
    rows = [
        [months, total, kept, left, waiting, share(kept, kept + left)]
        for months, total, kept, left, waiting in result
    ]
    columns = ["months", "checks", "still_employed", "left", "awaiting_answer"]
    return _section("retention", [*columns, "retention_rate"], rows)


SECTIONS: dict[str, Callable[[ReportScope], dict]] = {
    "completion": completion,
    "nps": nps,
    "goals": goals,
    "skills": skills,
    "hires": hires,
    "retention": retention,
}


def build_report(scope: ReportScope, on_progress: Callable[[float, str], None] | None = None):
    """Every section of the report; `on_progress(fraction, section)` after each one."""
    sections = {}
    for done, (key, compute) in enumerate(SECTIONS.items(), start=1):
        sections[key] = compute(scope)
        if on_progress:
            on_progress(done / len(SECTIONS), key)
    return {"sections": sections, "computed_at": utcnow().isoformat(timespec="seconds")}
