"""Previewing an import of apprentices or mentors: every problem of every line, in one pass.

The file is read with the matcher's reader (its cells), then each person is checked against
the program's records (intake_checks); a line with a bad cell is still checked, so its
other problems show too. Writing a clean preview is intake_writes' job.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from matcher.csvio import CsvProblem, CsvProblems
from web.errors_domain import DomainError
from web.models import Cohort
from web.services import import_changes, intake_minors, minors
from web.services.intake_checks import (
    ApprenticeCheck,
    ImportRow,
    Known,
    MentorCheck,
    excludes,
)
from web.services.intake_files import (
    APPRENTICES,
    KINDS,
    MENTORS,
    READER_COLUMNS,
    READERS,
    check_readable_as_csv,
)


@dataclass
class ImportPreview:
    """Every problem in a file, every person it lists, and what importing would do to each."""

    kind: str
    cohort_id: int | None
    problems: list[CsvProblem] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when the file can be imported as it is."""
        return not self.problems and bool(self.rows)

    @property
    def creates(self) -> int:
        """How many people importing would add (lines with problems are not counted)."""
        return sum(row.action == "create" and row.importable for row in self.rows)

    @property
    def updates(self) -> int:
        """How many existing people importing would update (lines with problems not counted)."""
        return sum(row.action == "update" and row.importable for row in self.rows)

    @property
    def refused(self) -> int:
        """How many people of the file have a problem on their own line."""
        return sum(not row.importable for row in self.rows)

    @property
    def to_confirm(self) -> list[ImportRow]:
        """Rows changing someone in a pair: each is written only if the coordinator ticks it."""
        return [row for row in self.rows if row.changes]


def preview_import(kind: str, text: str, cohort: Cohort | None) -> ImportPreview:
    """Read `text` with the matcher's reader and check every row against the database."""
    preview = ImportPreview(kind=kind, cohort_id=cohort.id if cohort else None)
    if kind == APPRENTICES and cohort is None:
        raise DomainError("Choose the cohort the apprentices join.")
    if cohort is not None and cohort.archived:
        raise DomainError(f"The cohort {cohort.name} is archived: nobody can join it any more.")
    check_readable_as_csv(text)
    extras = intake_minors.read_extra_columns(text) if kind == APPRENTICES else None
    numbered, preview.problems = _read(kind, text, extras)
    if not numbered:
        if not preview.problems:
            preview.problems = [CsvProblem(1, "", "the file has a header but no people")]
        return _with_header_problems(preview, extras)
    people = [person for _, person in numbered]
    known = Known.load(kind, [p.email for p in people], any(excludes(p) for p in people))
    starts_on = minors.reference_day(cohort)
    check = ApprenticeCheck(known, extras, starts_on) if extras else MentorCheck(known)
    seen: dict[str, int] = {}
    for line, person in numbered:
        row = ImportRow(line=line, person=person, email=person.email.strip().lower())
        check.row(row, seen, preview.problems)
        preview.rows.append(row)
    _with_header_problems(preview, extras)
    _give_each_row_its_problems(preview)
    importable = [row for row in preview.rows if row.importable]
    import_changes.mark_guarded_changes(
        importable, kind == APPRENTICES, known.users, preview.cohort_id
    )
    return preview


def _read(kind: str, text: str, extras) -> tuple[list[tuple[int, object]], list[CsvProblem]]:
    """Every record of the file, by line (those with a bad cell too), and the cells' problems."""
    try:
        return READERS[kind](io.StringIO(_for_reader(text, extras))), []
    except CsvProblems as error:
        records = sorted([*error.parsed, *error.refused], key=lambda record: record[0])
        return records, _explain_wrong_kind(kind, text, error.problems)


def _give_each_row_its_problems(preview: ImportPreview) -> None:
    preview.problems.sort(key=lambda problem: problem.line)
    by_line: dict[int, list[CsvProblem]] = defaultdict(list)
    for problem in preview.problems:
        by_line[problem.line].append(problem)
    for row in preview.rows:
        row.problems = by_line.get(row.line, [])


def _for_reader(text: str, extras: intake_minors.ExtraColumns | None) -> str:
    return intake_minors.with_minor_column(text, extras) if extras else text


def _with_header_problems(preview: ImportPreview, extras) -> ImportPreview:
    preview.problems = intake_minors.with_header_problems(preview.problems, extras)
    return preview


def _explain_wrong_kind(kind: str, text: str, problems: list[CsvProblem]) -> list[CsvProblem]:
    """Replace a list of missing columns with one clear sentence when it is the other file."""
    if not problems or any(p.line != 1 for p in problems):
        return problems
    first = next(csv.reader(io.StringIO(text)), [])
    header = {h.strip().lstrip("\ufeff").casefold() for h in first}
    other = MENTORS if kind == APPRENTICES else APPRENTICES
    if set(READER_COLUMNS[other]) <= header:
        message = (
            f"this looks like a file of {other}, not {kind}. Choose “{KINDS[other]}” "
            f"as the kind of file, or upload the {kind} file."
        )
        return [CsvProblem(1, "", message)]
    return problems
