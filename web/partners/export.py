"""The cohort list as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

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


def apprentices_csv(rows: Iterable[ApprenticeRow]) -> str:
    """One line per apprentice under a header line of COLUMNS."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(safe_row(_values(row)))
    return buffer.getvalue()


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
