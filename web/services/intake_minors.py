"""The apprentice import's own columns: date of birth, and a minor's parent or guardian.

The matcher's CSV contract has a `minor` column; the program derives it from `date_of_birth`
at the cohort's start instead, so a file without `minor` gets one before the matcher's reader
sees it, and a file that has one must agree with the dates of birth.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email

from matcher.csvio import CsvProblem
from web.services import minors

DATE_OF_BIRTH, GUARDIAN_NAME, GUARDIAN_EMAIL, MINOR = (
    "date_of_birth",
    "guardian_name",
    "guardian_email",
    "minor",
)
COLUMNS = (DATE_OF_BIRTH, GUARDIAN_NAME, GUARDIAN_EMAIL)
# A row's values when the file has no date_of_birth column (a problem of the header).
UNKNOWN_BIRTH = {"date_of_birth": None, "minor": False, "guardian": ("", "")}


@dataclass
class ExtraColumns:
    """Each record's own cells, by the file line it starts on, and the header's problems."""

    by_line: dict[int, dict[str, str]]
    has_minor_column: bool
    problems: list[CsvProblem]

    @property
    def has_date_of_birth_column(self) -> bool:
        """False when the header lacks date_of_birth (its one problem)."""
        return not self.problems


def read_extra_columns(text: str) -> ExtraColumns:
    """The date-of-birth and guardian cells of every record (lines counted as the matcher does)."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lstrip("\ufeff").casefold() for h in next(reader, [])]
    problems = []
    if DATE_OF_BIRTH not in header:
        message = "required column is missing: each apprentice's date of birth, as YYYY-MM-DD"
        problems.append(CsvProblem(1, DATE_OF_BIRTH, message))
    by_line, line = {}, reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue  # the matcher's reader skips blank records too
        row = dict(zip(header, cells, strict=False))
        by_line[start] = {column: (row.get(column) or "").strip() for column in (*COLUMNS, MINOR)}
    return ExtraColumns(by_line, MINOR in header, problems)


def with_minor_column(text: str, extras: ExtraColumns) -> str:
    """The file as the matcher's reader wants it: with a `minor` column (filled in later)."""
    if extras.has_minor_column:
        return text
    source, target = csv.reader(io.StringIO(text)), io.StringIO()
    writer = csv.writer(target, lineterminator="\n")
    header = next(source, [])
    writer.writerow([*header, MINOR])
    for cells in source:
        padded = cells + [""] * (len(header) - len(cells))
        # Cells past the header stay past the added column, for the reader to report.
        within, beyond = padded[: len(header)], padded[len(header) :]
        writer.writerow([*within, "false", *beyond] if any(c.strip() for c in cells) else cells)
    return target.getvalue()


def with_header_problems(
    problems: list[CsvProblem], extras: ExtraColumns | None
) -> list[CsvProblem]:
    """Add a missing date_of_birth column, unless the header already says the file is wrong."""
    if extras and not any(p.line == 1 for p in problems):
        return [*extras.problems, *problems]
    return problems


def check_row(
    cells: dict[str, str], starts_on: date, has_minor_column: bool, own_email: str, problem
) -> dict:
    """A record's date of birth, derived minor flag and guardian; `problem(column, message)`."""
    born = _date_of_birth(cells.get(DATE_OF_BIRTH, ""), problem)
    minor = minors.is_minor_on(born, starts_on)
    if born and has_minor_column and cells.get(MINOR, "").casefold() in {"true", "yes", "y", "1"}:
        if not minor:
            problem(MINOR, f"says under 18, but the date of birth makes them 18 on {starts_on}")
    name, email = cells.get(GUARDIAN_NAME, ""), cells.get(GUARDIAN_EMAIL, "").lower()
    if minor:
        _guardian(name, email, starts_on, problem)
        if email and email == own_email:
            problem(GUARDIAN_EMAIL, "must be the guardian's own address, not the apprentice's")
    else:
        name = email = ""  # an adult's guardian is not kept
    return {"date_of_birth": born, "minor": minor, "guardian": (name, email)}


def _date_of_birth(value: str, problem) -> date | None:
    if not value:
        problem(DATE_OF_BIRTH, "must not be empty: write the date of birth as YYYY-MM-DD")
        return None
    try:
        born = date.fromisoformat(value)
    except ValueError:
        problem(DATE_OF_BIRTH, f"must be a date written YYYY-MM-DD, got {value!r}")
        return None
    if issue := minors.date_of_birth_problem(born):
        problem(DATE_OF_BIRTH, f"{value}: {issue}")
        return None
    return born


def _guardian(name: str, email: str, starts_on: date, problem) -> None:
    under = f"the apprentice is under 18 on {starts_on}, so"
    if not name:
        problem(GUARDIAN_NAME, f"{under} their parent or guardian's name is required")
    if not email:
        problem(GUARDIAN_EMAIL, f"{under} their parent or guardian's email is required")
        return
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        problem(GUARDIAN_EMAIL, f"'{email}' is not a valid email address: {error}")
