"""The JSON shapes the API answers with; openapi.py describes the same shapes."""

from __future__ import annotations

from web import catalog
from web.models import Cohort
from web.partners.reports import ApprenticeDetail, CohortSummary
from web.partners.services import ApprenticeRow, MentorContact


def cohort_json(summary: CohortSummary) -> dict:
    """A cohort with the partner's funnel counts."""
    funnel = summary.funnel
    return {
        **_cohort_ref(summary.cohort),
        "starts_on": _date(summary.cohort.starts_on),
        "ends_on": _date(summary.cohort.ends_on),
        "counts": {
            "registered": funnel.registered,
            "matched": funnel.matched,
            "approved": funnel.approved,
            "active": funnel.active,
        },
    }


def cohort_summary_json(summary: CohortSummary) -> dict:
    """A cohort with funnel counts, match rate, pathways chosen and check-in health."""
    health = summary.check_ins
    return {
        **cohort_json(summary),
        "match_rate": round(summary.funnel.match_rate, 4),
        "pathways": [
            {"key": key, "label": catalog.label(key), "count": count}
            for key, count in summary.pathways
        ],
        "check_ins": {
            "month": health.month,
            "healthy": health.healthy,
            "low": health.low_count,
            "missing": health.missing_count,
        },
    }


def apprentice_json(row: ApprenticeRow) -> dict:
    """One apprentice; withdrawn apprentices carry only id, cohort and status."""
    return {
        "id": row.id,
        "cohort_id": row.cohort_id,
        "name": None if row.withdrawn else row.name,
        "email": row.email,
        "status": row.status,
        "withdrawn": row.withdrawn,
        "pathways": list(row.pathways),
        "mentor": _mentor_json(row.mentor) if row.mentor else None,
    }


def apprentice_detail_json(detail: ApprenticeDetail) -> dict:
    """One apprentice with the skills they want and their check-in history."""
    return {
        **apprentice_json(detail.row),
        "cohort": _cohort_ref(detail.cohort),
        "skills_wanted": [
            {"key": key, "label": label, "level": level} for key, label, level in detail.skills
        ],
        "check_ins": {
            "last_month": detail.last_month,
            "last_month_state": detail.last_month_state,
            "months": [
                {
                    "month": month.month,
                    "apprentice_rating": month.apprentice_rating,
                    "mentor_rating": month.mentor_rating,
                }
                for month in detail.months
            ],
        },
    }


def _mentor_json(mentor: MentorContact) -> dict:
    return {
        "name": mentor.name,
        "department": mentor.department,
        "job_title": mentor.job_title,
        "email": mentor.email,
        "mentorship_status": mentor.mentorship_status,
    }


def _cohort_ref(cohort: Cohort) -> dict:
    return {"id": cohort.id, "name": cohort.name}


def _date(value) -> str | None:
    return value.isoformat() if value else None
