"""The anonymised open-data export the city publishes: counts only, small ones suppressed.

No names, emails, ids or dates of birth: each table counts mentorships, survey answers,
goals, hires or retention checks of one cohort, by partner kind, pathway, skill or city
department. Counts below OPEN_DATA_MIN_COUNT, and the cells that would let them be worked
out from the totals, are published empty and marked "suppressed" (web/services/suppression.py).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import case, func, select

from web import catalog
from web.csv_cells import safe_row
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    Cohort,
    Goal,
    Mentorship,
    MentorshipOutcome,
    Outcome,
    OutcomeKind,
    PartnerInstitution,
    RetentionCheck,
    Skill,
    Survey,
    User,
)
from web.models.program import PARTNER_KINDS
from web.services.outcome_reports import (
    DETRACTOR_UP_TO,
    PROMOTER_FROM,
    RUNNING,
    net_promoter_score,
)
from web.services.suppression import CountTable, suppress

COLUMNS = ("cohort", "table", "row_dimension", "row", "measure", "value", "status")
SUPPRESSED, ALL, TOTAL = "suppressed", "All", "total"
OUTCOMES = ("completed", "ended_early", "running", "other")
ANSWERS = ("promoters", "passives", "detractors")
SURVEY_ROWS = {
    ("pulse", "apprentice"): "30-day pulse, apprentices",
    ("pulse", "mentor"): "30-day pulse, mentors",
    ("end_of_year", "apprentice"): "End of year, apprentices",
    ("end_of_year", "mentor"): "End of year, mentors",
}


@dataclass
class PublishedTable:
    """One table of one cohort, ready to suppress and write."""

    cohort: str
    key: str
    row_dimension: str
    counts: CountTable
    derived: dict[str, dict[str, float | None]] | None = None  # row -> measure -> value


def _how_many(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _mentorship_category():
    outcome = Mentorship.end_outcome
    return case(
        (outcome == MentorshipOutcome.COMPLETED, "completed"),
        (outcome == MentorshipOutcome.ENDED_EARLY, "ended_early"),
        (Mentorship.status.in_(RUNNING), "running"),
        else_="other",
    )


def _grouped(rows) -> dict[str, dict[str, Counter]]:
    """(cohort, row label, column, count) rows as cohort -> row label -> column counts."""
    tables: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for cohort, label, column, count in rows:
        tables[cohort][label][column] += count
    return tables


def _tables(key, dimension, grouped, columns, *, row_totals=True, column_totals=True):
    for cohort, by_row in grouped.items():
        labels = sorted(by_row)
        cells = [[by_row[label][column] for column in columns] for label in labels]
        counts = CountTable(labels, list(columns), cells, row_totals, column_totals)
        yield PublishedTable(cohort, key, dimension, counts)


def outcomes_by_partner_kind() -> list[PublishedTable]:
    """Mentorships of each cohort by how they stand, per kind of partner institution."""
    category = _mentorship_category()
    rows = db.session.execute(
        select(Cohort.name, PartnerInstitution.kind, category, func.count())
        .select_from(Mentorship)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .join(PartnerInstitution, ApprenticeProfile.partner_id == PartnerInstitution.id)
        .group_by(Cohort.name, PartnerInstitution.kind, category)
    )
    labelled = ((c, PARTNER_KINDS.get(kind, kind), col, n) for c, kind, col, n in rows)
    grouped = _grouped(labelled)
    return list(_tables("mentorships_by_partner_kind", "partner_kind", grouped, OUTCOMES))


def outcomes_by_pathway() -> list[PublishedTable]:
    """Mentorships by how they stand, per pathway the apprentice chose (one may choose several)."""
    rows = db.session.execute(
        select(Cohort.name, ApprenticeProfile.pathways, _mentorship_category())
        .select_from(Mentorship)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
    )
    counted = Counter()
    for cohort, pathways, column in rows:
        for pathway in set(pathways or []):
            counted[cohort, catalog.label(pathway), column] += 1
    grouped = _grouped((*key, n) for key, n in counted.items())
    return list(
        _tables("mentorships_by_pathway", "pathway", grouped, OUTCOMES, column_totals=False)
    )


def survey_answers() -> list[PublishedTable]:
    """Answers to the surveys by how likely people are to recommend Pathways, with NPS."""
    recommend = Survey.would_recommend
    rows = db.session.execute(
        select(
            Cohort.name,
            Survey.kind,
            User.role,
            _how_many(recommend >= PROMOTER_FROM),
            _how_many((recommend > DETRACTOR_UP_TO) & (recommend < PROMOTER_FROM)),
            _how_many(recommend <= DETRACTOR_UP_TO),
            func.coalesce(func.sum(Survey.satisfaction), 0),
        )
        .join(Mentorship, Survey.mentorship_id == Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .join(User, Survey.respondent_id == User.id)
        .where(Survey.answered_at.is_not(None))
        .group_by(Cohort.name, Survey.kind, User.role)
    )
    grouped: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    satisfaction: dict[str, dict[str, int]] = defaultdict(dict)
    for cohort, kind, role, promoters, passives, detractors, summed in rows:
        label = SURVEY_ROWS.get((kind, role), f"{kind}, {role}")
        grouped[cohort][label].update(promoters=promoters, passives=passives, detractors=detractors)
        satisfaction[cohort][label] = summed
    tables = list(_tables("survey_answers", "survey_and_side", grouped, ANSWERS))
    for table in tables:
        table.derived = {"satisfaction_sum": satisfaction[table.cohort]}
    return tables


def goals_by_partner_kind() -> list[PublishedTable]:
    """Goals both sides agreed, by whether the mentor signed them off, per kind of partner."""
    met = case((Goal.met_at.is_not(None), "met"), else_="not_met")
    rows = db.session.execute(
        select(Cohort.name, PartnerInstitution.kind, met, func.count())
        .join(Mentorship, Goal.mentorship_id == Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .join(PartnerInstitution, ApprenticeProfile.partner_id == PartnerInstitution.id)
        .where(Goal.agreed_at.is_not(None))
        .group_by(Cohort.name, PartnerInstitution.kind, met)
    )
    labelled = ((c, PARTNER_KINDS.get(kind, kind), col, n) for c, kind, col, n in rows)
    grouped = _grouped(labelled)
    return list(
        _tables("agreed_goals_by_partner_kind", "partner_kind", grouped, ("met", "not_met"))
    )


def goals_met_by_skill() -> list[PublishedTable]:
    """Goals signed off as met, per skill they were tied to (a goal may name several)."""
    rows = db.session.execute(
        select(Cohort.name, Goal.skill_ids)
        .join(Mentorship, Goal.mentorship_id == Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .where(Goal.agreed_at.is_not(None), Goal.met_at.is_not(None))
    )
    counted = Counter((cohort, skill_id) for cohort, ids in rows for skill_id in set(ids or []))
    labels = dict(
        db.session.execute(
            select(Skill.id, Skill.label).where(Skill.id.in_({s for _, s in counted}))
        ).all()
    )
    grouped = _grouped(
        (cohort, labels.get(skill_id, str(skill_id)), "signed_off", n)
        for (cohort, skill_id), n in counted.items()
    )
    return list(
        _tables(
            "goals_met_by_skill",
            "skill",
            grouped,
            ("signed_off",),
            row_totals=False,
            column_totals=False,
        )
    )


def hires_by_department() -> list[PublishedTable]:
    """Apprentices hired by the city after the program, per department."""
    rows = db.session.execute(
        select(Cohort.name, Outcome.department, func.count())
        .join(ApprenticeProfile, Outcome.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .where(Outcome.kind == OutcomeKind.HIRED)
        .group_by(Cohort.name, Outcome.department)
    )
    grouped = _grouped((c, dept or "Not recorded", "hires", n) for c, dept, n in rows)
    return list(_tables("hires_by_department", "department", grouped, ("hires",), row_totals=False))


def retention_checks() -> list[PublishedTable]:
    """Retention checks of hires, 6 and 12 months after the hire, by their answer."""
    employed = RetentionCheck.still_employed
    answer = case(
        (employed.is_(True), "still_employed"), (employed.is_(False), "left"), else_="awaiting"
    )
    rows = db.session.execute(
        select(Cohort.name, RetentionCheck.months, answer, func.count())
        .join(Outcome, RetentionCheck.outcome_id == Outcome.id)
        .join(ApprenticeProfile, Outcome.apprentice_id == ApprenticeProfile.id)
        .join(Cohort, ApprenticeProfile.cohort_id == Cohort.id)
        .group_by(Cohort.name, RetentionCheck.months, answer)
    )
    grouped = _grouped((c, f"{months} months", col, n) for c, months, col, n in rows)
    columns = ("still_employed", "left", "awaiting")
    return list(_tables("retention_checks", "check", grouped, columns, column_totals=False))


TABLES = (
    outcomes_by_partner_kind,
    outcomes_by_pathway,
    survey_answers,
    goals_by_partner_kind,
    goals_met_by_skill,
    hires_by_department,
    retention_checks,
)


def published_rows(threshold: int) -> Iterator[list]:
    """Every cell of every table as a CSV row, suppressed cells empty and marked."""
    for build in TABLES:
        for table in sorted(build(), key=lambda t: t.cohort):
            yield from _cells(table, threshold)


def _cells(table: PublishedTable, threshold: int) -> Iterator[list]:
    counts = table.counts
    grid = suppress(counts, threshold)
    labels = counts.rows + ([ALL] if counts.column_totals else [])
    measures = counts.columns + ([TOTAL] if counts.row_totals else [])
    for i, label in enumerate(labels):
        for j, measure in enumerate(measures):
            hidden = (i, j) in counts.hidden
            value = "" if hidden else int(grid[i, j])
            yield [table.cohort, table.key, table.row_dimension, label, measure, value,
                   SUPPRESSED if hidden else ""]  # fmt: skip
        if table.derived is not None:
            yield from _survey_scores(table, i, label, grid, measures)


def _survey_scores(table, i, label, grid, measures) -> Iterator[list]:
    """NPS and mean satisfaction of a row only when none of its counts is suppressed."""
    row_hidden = any((i, j) in table.counts.hidden for j in range(len(measures)))
    answers = int(grid[i, -1])
    promoters, detractors = int(grid[i, 0]), int(grid[i, 2])
    sums = table.derived["satisfaction_sum"]
    summed = sum(sums.values()) if label == ALL else sums.get(label, 0)
    scores = {
        "nps": net_promoter_score(promoters, detractors, answers),
        "mean_satisfaction": round(summed / answers, 2) if answers else None,
    }
    for measure, value in scores.items():
        hidden = row_hidden or value is None
        yield [table.cohort, table.key, table.row_dimension, label, measure,
               "" if hidden else value, SUPPRESSED if hidden else ""]  # fmt: skip


def open_data_csv(threshold: int) -> Iterator[str]:
    """The export as CSV text, given out a table at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in published_rows(threshold):
        writer.writerow(safe_row(row))
        if out.tell() > 64 * 1024:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
