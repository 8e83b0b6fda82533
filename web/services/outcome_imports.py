"""Outcomes from a CSV file: every row checked and shown first, then saved at once.

Columns: email (the apprentice's), kind, date (YYYY-MM-DD), and for a city job department
and job_title; note is optional. A partner's file may name only its own apprentices.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from web.csv_cells import safe_row
from web.errors_domain import DomainError
from web.extensions import db
from web.models import ApprenticeProfile, Outcome, OutcomeSource, User
from web.services import audit, outcomes
from web.services.outcomes import KIND_LABELS, OutcomeAnswers, OutcomeRefused

REQUIRED_COLUMNS = ("email", "kind", "date")
OPTIONAL_COLUMNS = ("department", "job_title", "note")
MAX_ROWS = 2000


class UnusableOutcomeFile(DomainError):
    """The file as a whole cannot be read: no header, missing columns, too many rows."""


@dataclass(frozen=True)
class OutcomeRow:
    """One readable row: whose outcome, what, and whether it is already recorded."""

    line: int
    apprentice: ApprenticeProfile
    answers: OutcomeAnswers
    already_recorded: bool


@dataclass
class OutcomePreview:
    """Every row of the file, read, and the problems found with their line numbers."""

    rows: list[OutcomeRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when the file has rows and no problems: it may be saved."""
        return bool(self.rows) and not self.problems

    @property
    def new_rows(self) -> list[OutcomeRow]:
        """The rows that would add an outcome (the others are already recorded)."""
        return [row for row in self.rows if not row.already_recorded]


def preview(text: str, partner_id: int | None, today: date) -> OutcomePreview:
    """Read and check every row; nothing is written."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [(name or "").strip().lower() for name in reader.fieldnames or []]
    if missing := [c for c in REQUIRED_COLUMNS if c not in columns]:
        raise UnusableOutcomeFile(
            _("The header row lacks the column(s): %(columns)s.", columns=", ".join(missing))
        )
    reader.fieldnames = columns
    result = OutcomePreview()
    rows, last_line = [], reader.line_num
    for row in reader:
        rows.append((last_line + 1, row))  # a quoted cell may span lines: the row's first
        last_line = reader.line_num
    if len(rows) > MAX_ROWS:
        raise UnusableOutcomeFile(
            _("The file has more than %(count)s rows. Split it in parts.", count=MAX_ROWS)
        )
    apprentices = _apprentices_by_email([r.get("email") or "" for _, r in rows], partner_id)
    for line, row in rows:
        _read_row(line, row, apprentices, today, result)
    if not rows:
        result.problems.append((1, _("The file has a header but no rows.")))
    return result


def _read_row(line: int, row: dict, apprentices: dict, today: date, result: OutcomePreview):
    email = (row.get("email") or "").strip().lower()
    apprentice = apprentices.get(email)
    if apprentice is None:
        result.problems.append(
            (line, _("No apprentice of yours has the email “%(email)s”.", email=email))
        )
        return
    kind = _kind(row.get("kind") or "")
    try:
        answers = outcomes.checked(
            OutcomeAnswers(
                kind=kind,
                department=(row.get("department") or "").strip(),
                job_title=(row.get("job_title") or "").strip(),
                occurred_on=_day(row.get("date") or ""),
                note=(row.get("note") or "").strip(),
            ),
            today,
        )
    except OutcomeRefused as error:
        result.problems.append((line, str(error)))
        return
    key = (apprentice.id, answers.kind, answers.occurred_on, answers.department, answers.job_title)
    repeated = any(_key(r) == key for r in result.rows)
    recorded = repeated or _recorded(apprentice, answers)
    result.rows.append(OutcomeRow(line, apprentice, answers, recorded))


def _key(row: OutcomeRow) -> tuple:
    a = row.answers
    return (row.apprentice.id, a.kind, a.occurred_on, a.department, a.job_title)


def _kind(value: str) -> str:
    """The kind's key from its key or its label, in any case; '' if unknown."""
    wanted = value.strip().casefold().replace(" ", "_")
    for key, label in KIND_LABELS.items():
        if wanted in (str(key), str(label).casefold().replace(" ", "_")):
            return str(key)
    return ""


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise OutcomeRefused(
            "occurred_on",
            _("“%(value)s” is not a date: write it like 2026-06-30.", value=value.strip()),
        ) from None


def _apprentices_by_email(emails: list[str], partner_id: int | None) -> dict:
    wanted = {e.strip().lower() for e in emails if e.strip()}
    if not wanted:
        return {}
    query = (
        select(User.email, ApprenticeProfile)
        .join(ApprenticeProfile, ApprenticeProfile.user_id == User.id)
        .where(func.lower(User.email).in_(wanted))
    )
    if partner_id is not None:
        query = query.where(ApprenticeProfile.partner_id == partner_id)
    return {email.lower(): apprentice for email, apprentice in db.session.execute(query)}


def _recorded(apprentice: ApprenticeProfile, answers: OutcomeAnswers) -> bool:
    return (
        db.session.scalar(
            select(Outcome.id).where(
                Outcome.apprentice_id == apprentice.id,
                Outcome.kind == answers.kind,
                Outcome.occurred_on == answers.occurred_on,
                Outcome.department == answers.department,
                Outcome.job_title == answers.job_title,
            )
        )
        is not None
    )


EXAMPLE_ROWS = (
    (
        "apprentice@example.org",
        "applied",
        "2026-06-01",
        "Department of Finance",
        "Programmer/Analyst",
        "",
    ),
    (
        "apprentice@example.org",
        "hired",
        "2026-07-15",
        "Department of Innovation and Technology",
        "IT Engineer",
        "",
    ),
    (
        "another@example.org",
        "continued_study",
        "2026-08-20",
        "",
        "",
        "Bachelor's in computer science",
    ),
)


def example_csv() -> str:
    """The header and example rows of an outcomes file, safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    writer.writerows(safe_row(list(row)) for row in EXAMPLE_ROWS)
    return buffer.getvalue()


def save(result: OutcomePreview, actor: User, today: date) -> int:
    """Add the previewed rows' outcomes that are not recorded yet; return how many."""
    if not result.clean:
        raise UnusableOutcomeFile(_("Fix the problems in the file first."))
    for row in result.new_rows:
        outcomes.add_outcome(row.apprentice, row.answers, actor, today, OutcomeSource.IMPORT)
    audit.record(
        actor, "outcome.imported", actor, rows=len(result.rows), added=len(result.new_rows)
    )
    return len(result.new_rows)
