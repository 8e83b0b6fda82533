"""What the coordinators' and the partners' reports share: CSV files and progress links."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import stream_with_context, url_for
from werkzeug.wrappers import Response

from web.csv_cells import safe_row
from web.outcomes_reports import charts, labels
from web.services import report_builds
from web.services.outcome_reports import SECTIONS, ReportScope


def progress_url(partner_id: int | None) -> str:
    """The progress JSON of the audience's build."""
    if partner_id is None:
        return url_for("outcomes_reports.progress")
    return url_for("partners.outcomes_progress")


def section_of(partner_id: int | None, section: str) -> dict:
    """The section from the kept build when it is current, else computed now (one statement)."""
    key = report_builds.scope_key(partner_id)
    kept = report_builds.kept_build(key)
    fresh = kept is not None and kept.result and kept.fingerprint == report_builds.fingerprint()
    if fresh and section in kept.result["sections"]:
        return kept.result["sections"][section]
    return SECTIONS[section](ReportScope(partner_id=partner_id))


def section_rows(section: dict) -> Iterator[str]:
    """A section as CSV text: its column names, then one row per group."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(section["columns"])
    for row in section["rows"]:
        writer.writerow(safe_row(row))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def section_response(partner_id: int | None, section: str) -> Response:
    """A streamed CSV download of one section."""
    rows = section_rows(section_of(partner_id, section))
    name = "outcomes" if partner_id is None else "our-outcomes"
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}-{section}.csv"'},
    )


def page_context(partner_id: int | None) -> dict:
    """What the report template needs besides the kept build: labels and chart helpers."""
    return {
        "progress_url": progress_url(partner_id),
        "csv_endpoint": "outcomes_reports.section_csv"
        if partner_id is None
        else "partners.outcomes_csv",
        "section_titles": labels.SECTION_TITLES,
        "section_intros": labels.SECTION_INTROS,
        "chart_values": labels.CHART_VALUES,
        "column_labels": labels.COLUMN_LABELS,
        "chart_rows": charts.chart_rows,
        "chart_axis": charts.chart_axis,
        "shown": charts.shown,
    }
