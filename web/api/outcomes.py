"""The partner's outcomes report as JSON: the same figures as its outcomes page."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from web.api import bp
from web.api.auth import partner_api
from web.partners import services
from web.services.outcome_reports import SECTIONS, ReportScope, build_report


def outcomes_json(scope: ReportScope) -> dict:
    """Every section of the report, each as a list of objects named by its columns."""
    report = build_report(scope)
    sections = {
        key: [dict(zip(section["columns"], row, strict=True)) for row in section["rows"]]
        for key, section in report["sections"].items()
    }
    return {"computed_at": report["computed_at"], **{key: sections[key] for key in SECTIONS}}


@bp.get("/outcomes")
@partner_api
def outcomes(partner_id: int) -> ResponseReturnValue:
    """Completion, NPS, goals, skills, hires and retention of all the partner's apprentices."""
    return jsonify(outcomes_json(ReportScope(partner_id=partner_id)))


@bp.get("/cohorts/<int:cohort_id>/outcomes")
@partner_api
def cohort_outcomes(partner_id: int, cohort_id: int) -> ResponseReturnValue:
    """The same figures for the partner's apprentices in one of its cohorts."""
    cohort = services.get_cohort(partner_id, cohort_id)
    return jsonify(outcomes_json(ReportScope(partner_id=partner_id, cohort_id=cohort.id)))
