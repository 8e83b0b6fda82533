"""The coordinators' outcomes report, a CSV file per chart, and the open-data export."""

from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, stream_with_context
from werkzeug.wrappers import Response

from web.access import role_required
from web.models import Role
from web.outcomes_reports import bp, downloads
from web.services import open_data, open_data_dictionary, report_builds
from web.services.outcome_reports import SECTIONS


@bp.get("/")
@role_required(Role.COORDINATOR)
def report() -> str:
    """The program's outcomes as charts with tables, built on the worker."""
    kept = report_builds.report_for_page(None)
    return render_template(
        "outcomes_reports/report.html",
        kept=kept,
        threshold=current_app.config["OPEN_DATA_MIN_COUNT"],
        **downloads.page_context(None),
    )


@bp.get("/progress.json")
@role_required(Role.COORDINATOR)
def progress():
    """How far the report's build is, for the progress script."""
    return jsonify(report_builds.progress_of(report_builds.scope_key(None)))


@bp.get("/<section>.csv")
@role_required(Role.COORDINATOR)
def section_csv(section: str) -> Response:
    """One chart's figures as a spreadsheet."""
    if section not in SECTIONS:
        abort(404)
    return downloads.section_response(None, section)


@bp.get("/open-data.csv")
@role_required(Role.COORDINATOR)
def open_data_csv() -> Response:
    """The anonymised counts the city can publish, small counts suppressed."""
    threshold = current_app.config["OPEN_DATA_MIN_COUNT"]
    return Response(
        stream_with_context(open_data.open_data_csv(threshold)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="pathways-open-data.csv"'},
    )


@bp.get("/open-data-dictionary.csv")
@role_required(Role.COORDINATOR)
def open_data_dictionary_csv() -> Response:
    """What each column, table and measure of the open-data export means."""
    text = open_data_dictionary.dictionary_csv(current_app.config["OPEN_DATA_MIN_COUNT"])
    disposition = 'attachment; filename="pathways-open-data-dictionary.csv"'
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": disposition})


@bp.get("/open-data-dictionary.md")
@role_required(Role.COORDINATOR)
def open_data_dictionary_markdown() -> Response:
    """The data dictionary as Markdown, to paste into the data portal's description."""
    text = open_data_dictionary.dictionary_markdown(current_app.config["OPEN_DATA_MIN_COUNT"])
    disposition = 'attachment; filename="pathways-open-data-dictionary.md"'
    return Response(text, mimetype="text/markdown", headers={"Content-Disposition": disposition})
