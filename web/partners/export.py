"""The cohort list as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from web.csv_cells import safe_row
from web.partners.services import ApprenticeRow

COLUMNS = (
    "apprentice_id",
    "name",
    "email",
    "status",
    "pathways",
    "mentor_name",
    "mentor_department",
    "mentor_email",
)
FLUSH_AT = 64 * 1024


def apprentices_csv(rows: Iterable[ApprenticeRow]) -> Iterator[str]:
    """One line per apprentice under a header line of COLUMNS, given out as it is written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(safe_row(_values(row)))
        if buffer.tell() > FLUSH_AT:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _values(row: ApprenticeRow) -> list[object]:
    mentor = row.mentor
    return [
        row.id,
        row.name,
        row.email or "",
        row.status,
        ";".join(row.pathways),
        mentor.name if mentor else "",
        mentor.department if mentor else "",
        (mentor.email or "") if mentor else "",
    ]
