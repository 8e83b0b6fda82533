"""The import files themselves: their kinds, their columns, the values coded columns accept,
and turning an upload into text."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from matcher.csvio import (
    APPRENTICE_COLUMNS,
    MENTOR_COLUMNS,
    read_apprentices_with_lines,
    read_mentors_with_lines,
)
from web import catalog
from web.errors_domain import DomainError
from web.services import intake_minors

APPRENTICES, MENTORS = "apprentices", "mentors"
KINDS = {APPRENTICES: "Apprentices", MENTORS: "Mentors"}
READERS: dict[str, Callable] = {
    APPRENTICES: read_apprentices_with_lines,
    MENTORS: read_mentors_with_lines,
}
# The columns the matcher's reader requires, by kind (it names a wrong kind of file by them).
READER_COLUMNS = {APPRENTICES: APPRENTICE_COLUMNS, MENTORS: MENTOR_COLUMNS}
# The columns a file of each kind has: the program derives `minor` from the date of birth.
FILE_COLUMNS = {
    APPRENTICES: (
        *(c for c in APPRENTICE_COLUMNS if c != intake_minors.MINOR),
        *intake_minors.COLUMNS,
    ),
    MENTORS: MENTOR_COLUMNS,
}


class UnreadableFile(DomainError):
    """The upload is empty or is not UTF-8 text."""


@dataclass(frozen=True)
class CodedColumn:
    """A column that takes values from a fixed list: each key and what it means."""

    name: str
    values: tuple[tuple[str, str], ...]
    several: bool
    meaning_accepted: bool = True  # the checks also read the meaning ("North Side")


# The columns of both kinds that accept only listed values, as the checks read them.
CODED_COLUMNS = (
    CodedColumn("mode", tuple(catalog.MODES.items()), several=False, meaning_accepted=False),
    CodedColumn("pathways", tuple(catalog.PATHWAYS.items()), several=True),
    CodedColumn("languages", tuple(catalog.LANGUAGES.items()), several=True),
    CodedColumn("region", tuple(catalog.REGIONS.items()), several=False),
)


def term(text: str) -> str:
    """A vocabulary term as people may type it: any case, '&' for 'and', '_' or '-' for spaces."""
    words = text.casefold().replace("&", " and ").replace("_", " ").replace("-", " ").split()
    return " ".join(words)


def loose_keys(vocabulary: dict[str, str]) -> dict[str, str]:
    """Keys and labels, written loosely (see term), to keys."""
    out = {term(key): key for key in vocabulary}
    out.update({term(label): key for key, label in vocabulary.items()})
    return out


def decode_upload(data: bytes) -> str:
    """The uploaded bytes as text; raise UnreadableFile, naming the line, if it cannot be."""
    if not data.strip():
        raise UnreadableFile("The file is empty. Choose a CSV file with a header row.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"The file is not UTF-8 text: line {_line_at(data, error.start)} has a byte it "
            f"cannot read (position {error.start}). In your spreadsheet, use “Save as CSV "
            "UTF-8” and upload it again."
        ) from None
    if "\x00" in text:
        # PostgreSQL cannot store NUL in text: the import would fail after the preview passed.
        line = _line_at(data, data.index(b"\x00"))
        raise UnreadableFile(
            f"The file contains a NUL character (\\x00) on line {line}, which is not text. "
            "Save the file again as CSV from your spreadsheet, or remove the character, "
            "and upload it again."
        )
    return text


def _line_at(data: bytes, position: int) -> int:
    """The 1-based line of the byte at `position`."""
    return data.count(b"\n", 0, position) + 1


def check_readable_as_csv(text: str) -> None:
    """Raise UnreadableFile, naming the line, if `text` cannot be split into CSV cells."""
    reader = csv.reader(io.StringIO(text))
    starts_on = 1
    try:
        for _ in reader:
            starts_on = reader.line_num + 1
    except csv.Error as error:
        raise UnreadableFile(
            f"The file cannot be read as CSV from line {starts_on}: {error}. "
            'A value probably opens a quote (") that is never closed; check that line and '
            "the ones before it, then upload the file again."
        ) from None
