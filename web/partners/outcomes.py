"""The outcomes report of one partner's own apprentices, built on the worker."""

from __future__ import annotations

from flask import abort, jsonify, render_template
from werkzeug.wrappers import Response

from web.access import role_required
from web.models import Role
from web.outcomes_reports import downloads
from web.partners import bp
from web.partners.views import _partner_id
from web.services import report_builds
from web.services.outcome_reports import SECTIONS


@bp.get("/outcomes")
@role_required(Role.PARTNER)
def outcomes() -> str:
    """Completion, surveys, goals, skills, hires and retention of the partner's apprentices."""
    partner_id = _partner_id()
    return render_template(
        "partners/outcomes.html",
        kept=report_builds.report_for_page(partner_id),
        **downloads.page_context(partner_id),
    )


@bp.get("/outcomes/progress.json")
@role_required(Role.PARTNER)
def outcomes_progress():
    """How far the partner's report build is, for the progress script."""
    return jsonify(report_builds.progress_of(report_builds.scope_key(_partner_id())))


@bp.get("/outcomes/<section>.csv")
@role_required(Role.PARTNER)
def outcomes_csv(section: str) -> Response:
    """One chart of the partner's report as a spreadsheet."""
    if section not in SECTIONS:
        abort(404)
    return downloads.section_response(_partner_id(), section)
