"""The spreadsheet contract: apprentices and mentors in, pairs and scores out."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from matcher.profiles import COMPONENTS, MAX_RANKED, MODES, Apprentice, MatchResult, Mentor
from matcher.schedule import format_availability, parse_availability

logger = logging.getLogger(__name__)

APPRENTICE_COLUMNS = (
    "id",
    "name",
    "email",
    "partner",
    "pathways",
    "skills",
    "availability",
    "mode",
    "region",
    "languages",
    "minor",
    "exclude_mentors",
)
MENTOR_COLUMNS = (
    "id",
    "name",
    "email",
    "department",
    "title",
    "pathways",
    "skills",
    "capacity",
    "availability",
    "mode",
    "region",
    "languages",
    "background_checked",
)
# Optional columns: stated preferences (ids separated by ";"; ranked_mentors in order).
APPRENTICE_STATED_COLUMNS = ("ranked_mentors",)
MENTOR_STATED_COLUMNS = ("preferred", "not_fit")
PAIR_COLUMNS = ("apprentice_id", "mentor_id", "score", *COMPONENTS, "reason")
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


@dataclass(frozen=True)
class CsvProblem:
    """One problem in an input file, at a 1-based file line (the header is line 1)."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class CsvProblems(Exception):
    """Every problem found in a file; nothing was imported.

    `parsed` holds the (line, person) records that were read cleanly; `refused` the records
    with a bad cell, built from what could be read (a bad cell left at its default). A caller
    can check both further and report every problem of every line of the file at once.
    """

    def __init__(
        self,
        problems: Sequence[CsvProblem],
        parsed: Sequence[tuple[int, Any]] = (),
        refused: Sequence[tuple[int, Any]] = (),
    ):
        self.problems = list(problems)
        self.parsed = list(parsed)
        self.refused = list(refused)
        super().__init__(
            f"{len(self.problems)} problem(s): " + "; ".join(str(p) for p in self.problems[:5])
        )


def read_apprentices(stream: TextIO) -> list[Apprentice]:
    """Parse apprentices from CSV; raise CsvProblems listing every bad cell."""
    return [person for _, person in read_apprentices_with_lines(stream)]


def read_mentors(stream: TextIO) -> list[Mentor]:
    """Parse mentors from CSV; raise CsvProblems listing every bad cell."""
    return [person for _, person in read_mentors_with_lines(stream)]


def read_apprentices_with_lines(stream: TextIO) -> list[tuple[int, Apprentice]]:
    """Apprentices, each with the file line its record starts on (the header is line 1)."""
    return _read(stream, APPRENTICE_COLUMNS, _apprentice)


def read_mentors_with_lines(stream: TextIO) -> list[tuple[int, Mentor]]:
    """Mentors, each with the file line its record starts on (the header is line 1)."""
    return _read(stream, MENTOR_COLUMNS, _mentor)


def _read(stream: TextIO, columns: Sequence[str], build: Callable) -> list[tuple[int, Any]]:
    reader = csv.reader(stream)
    header = [h.strip().lstrip("\ufeff").casefold() for h in next(reader, [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise CsvProblems([CsvProblem(1, c, "required column is missing") for c in missing])
    people, refused, problems, seen = [], [], [], {}
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        row = _Row(dict(zip(header, cells, strict=False)), start, problems)
        if any(c.strip() for c in cells[len(header) :]):
            row.problem("", _extra_cells(len(cells) - len(header)))
        person, key = build(row), row.text("id")
        if key and key in seen:
            problems.append(CsvProblem(start, "id", f"duplicate id (first on line {seen[key]})"))
        seen.setdefault(key, start)
        (refused if row.failed else people).append((start, person))
    if problems:
        raise CsvProblems(problems, parsed=people, refused=refused)
    return people


def _extra_cells(extra: int) -> str:
    cells = "1 cell" if extra == 1 else f"{extra} cells"
    return (
        f"the line has {cells} more than the header has columns: "
        "is a comma inside a value without quotes around it?"
    )


class _Row:
    """Typed access to one row's cells that records problems instead of raising."""

    def __init__(self, cells: dict[str, str], line: int, problems: list[CsvProblem]):
        self.cells, self.line, self.problems = cells, line, problems
        self.failed = False

    def problem(self, column: str, message: str) -> None:
        self.problems.append(CsvProblem(self.line, column, message))
        self.failed = True

    def text(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def items(self, column: str) -> frozenset[str]:
        return frozenset(x.strip() for x in self.text(column).split(";") if x.strip())

    def words(self, column: str, default: frozenset[str] = frozenset()) -> frozenset[str]:
        return frozenset(x.casefold() for x in self.items(column)) or default

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.problem(column, "must not be empty")
        return value

    def flag(self, column: str, default: bool | None = None) -> bool:
        value = self.text(column).casefold()
        if value in _TRUE or value in _FALSE:
            return value in _TRUE
        if not value and default is not None:
            return default
        self.problem(column, f"must be true or false, got {value!r}")
        return False

    def mode(self) -> str:
        value = self.text("mode").casefold().replace("-", "_").replace(" ", "_") or "either"
        if value not in MODES:
            self.problem("mode", f"must be one of {', '.join(MODES)}, got {value!r}")
        return value

    def availability(self):
        try:
            return parse_availability(self.text("availability"))
        except ValueError as exc:
            self.problem("availability", str(exc))
            return ()

    def skills(self) -> dict[str, int]:
        out = {}
        for item in self.items("skills"):
            key, _, level = item.partition(":")
            key, level = key.strip().casefold(), level.strip() or "1"
            if not key or level not in ("1", "2", "3"):
                self.problem("skills", f"'{item}' must be 'skill' or 'skill:level' (level 1-3)")
                continue
            out[key] = int(level)
        return out

    def ranked(self, column: str) -> tuple[str, ...]:
        ids = [x.strip() for x in self.text(column).split(";") if x.strip()]
        if len(ids) > MAX_RANKED:
            self.problem(column, f"at most {MAX_RANKED} mentors may be ranked, got {len(ids)}")
        if len(set(ids)) < len(ids):
            self.problem(column, "a mentor is ranked twice")
        return tuple(ids[:MAX_RANKED])

    def capacity(self) -> int:
        value = self.text("capacity") or "1"
        if not value.isdigit():
            self.problem("capacity", f"must be a whole number 0 or more, got {value!r}")
            return 0
        return int(value)


def _apprentice(row: _Row) -> Apprentice:
    return Apprentice(
        id=row.required("id"),
        name=row.text("name"),
        email=row.text("email"),
        partner=row.text("partner"),
        pathways=row.items("pathways"),
        skills=row.skills(),
        availability=row.availability(),
        mode=row.mode(),
        region=row.text("region"),
        languages=row.words("languages", frozenset({"english"})),
        minor=row.flag("minor"),
        exclude_mentors=row.items("exclude_mentors"),
        ranked_mentors=row.ranked("ranked_mentors"),
    )


def _mentor(row: _Row) -> Mentor:
    person = Mentor(
        id=row.required("id"),
        name=row.text("name"),
        email=row.text("email"),
        department=row.text("department"),
        title=row.text("title"),
        pathways=row.items("pathways"),
        skills=row.skills(),
        capacity=row.capacity(),
        availability=row.availability(),
        mode=row.mode(),
        region=row.text("region"),
        languages=row.words("languages", frozenset({"english"})),
        background_checked=row.flag("background_checked", default=False),
        preferred=row.items("preferred"),
        not_fit=row.items("not_fit"),
    )
    if person.preferred & person.not_fit:
        row.problem("not_fit", "an apprentice is both preferred and not a good fit")
    return person


def write_pairs(stream: TextIO, result: MatchResult) -> None:
    """One row per apprentice: pair, score, each component and the reason."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(PAIR_COLUMNS)
    rows = [
        (
            p.apprentice_id,
            p.mentor_id,
            f"{p.score:.4f}",
            *(f"{p.components.get(c, 0.0):.4f}" for c in COMPONENTS),
            p.reason,
        )
        for p in result.pairs
    ]
    rows += [
        (u.apprentice_id, "", "", *("" for _ in COMPONENTS), u.reason) for u in result.unmatched
    ]
    writer.writerows(sorted(rows, key=lambda r: r[0]))


def write_scores(stream: TextIO, scores: Iterable[tuple[str, str, float]]) -> None:
    """Every allowed pair with its score."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(("apprentice_id", "mentor_id", "score"))
    writer.writerows((a, m, f"{s:.4f}") for a, m, s in scores)


def write_apprentices(stream: TextIO, apprentices: Iterable[Apprentice]) -> None:
    """Apprentices in the import format (round-trips through read_apprentices)."""
    writer = csv.writer(stream, lineterminator="\n")
    apprentices = list(apprentices)
    stated = any(a.ranked_mentors for a in apprentices)
    writer.writerow(APPRENTICE_COLUMNS + (APPRENTICE_STATED_COLUMNS if stated else ()))
    for a in apprentices:
        writer.writerow(
            (
                a.id,
                a.name,
                a.email,
                a.partner,
                _join(a.pathways),
                _skills_text(a.skills),
                format_availability(a.availability),
                a.mode,
                a.region,
                _join(a.languages),
                _flag(a.minor),
                _join(a.exclude_mentors),
                *((";".join(a.ranked_mentors),) if stated else ()),
            )
        )


def write_mentors(stream: TextIO, mentors: Iterable[Mentor]) -> None:
    """Mentors in the import format (round-trips through read_mentors)."""
    writer = csv.writer(stream, lineterminator="\n")
    mentors = list(mentors)
    stated = any(m.preferred or m.not_fit for m in mentors)
    writer.writerow(MENTOR_COLUMNS + (MENTOR_STATED_COLUMNS if stated else ()))
    for m in mentors:
        writer.writerow(
            (
                m.id,
                m.name,
                m.email,
                m.department,
                m.title,
                _join(m.pathways),
                _skills_text(m.skills),
                m.capacity,
                format_availability(m.availability),
                m.mode,
                m.region,
                _join(m.languages),
                _flag(m.background_checked),
                *((_join(m.preferred), _join(m.not_fit)) if stated else ()),
            )
        )


def _join(items: Iterable[str]) -> str:
    return ";".join(sorted(items))


def _skills_text(skills) -> str:
    return ";".join(f"{k}:{v}" for k, v in sorted(skills.items()))


def _flag(value: bool) -> str:
    return "true" if value else "false"
