"""The read-only partner API: cohorts and apprentices of the token's partner, as JSON."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue

from web.api import bp, serializers
from web.api.auth import partner_api
from web.api.openapi import openapi_document
from web.api.params import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, int_arg, status_arg
from web.models.base import utcnow
from web.partners import apprentice_list, reports, services


def _last_month() -> str:
    return reports.previous_month(utcnow().date())


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3 description of this API; open to all, like any documentation."""
    return jsonify(openapi_document())


@bp.get("/cohorts")
@partner_api
def cohorts(partner_id: int) -> ResponseReturnValue:
    """The partner's cohorts with funnel counts."""
    last_month = _last_month()
    items = [
        serializers.cohort_json(reports.cohort_summary(partner_id, cohort, last_month))
        for cohort in services.partner_cohorts(partner_id)
    ]
    return jsonify({"cohorts": items})


@bp.get("/cohorts/<int:cohort_id>")
@partner_api
def cohort(partner_id: int, cohort_id: int) -> ResponseReturnValue:
    """One cohort: funnel counts, match rate, pathways and check-in health."""
    found = services.get_cohort(partner_id, cohort_id)
    summary = reports.cohort_summary(partner_id, found, _last_month())
    return jsonify(serializers.cohort_summary_json(summary))


@bp.get("/cohorts/<int:cohort_id>/apprentices")
@partner_api
def cohort_apprentices(partner_id: int, cohort_id: int) -> ResponseReturnValue:
    """The partner's apprentices in a cohort, a page at a time, optionally of one status."""
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    status = status_arg()
    found = services.get_cohort(partner_id, cohort_id)
    rows = apprentice_list.apprentice_rows_page(partner_id, found.id, status, page, per_page)
    # The page asked for, even past the end (an empty page), so clients can stop on `next`.
    items = rows.items if rows.number == page else []
    pages = -(-rows.total // per_page)
    links = _page_links(page, pages, per_page, status)
    response = jsonify(
        {
            "apprentices": [serializers.apprentice_json(r) for r in items],
            "page": page,
            "per_page": per_page,
            "total": rows.total,
            "pages": pages,
            "next": links.get("next"),
            "prev": links.get("prev"),
        }
    )
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return response


def _page_links(page: int, pages: int, per_page: int, status: str | None) -> dict[str, str]:
    """URLs of the neighbouring, first and last pages, keeping the other parameters."""

    def url(number: int) -> str:
        return url_for(
            request.endpoint,
            **(request.view_args or {}),
            page=number,
            per_page=per_page,
            status=status,
            _external=True,
        )

    links = {"first": url(1), "last": url(max(pages, 1))}
    if page < pages:
        links["next"] = url(page + 1)
    if 1 < page <= pages + 1:
        links["prev"] = url(page - 1)
    return links


@bp.get("/apprentices/<int:apprentice_id>")
@partner_api
def apprentice(partner_id: int, apprentice_id: int) -> ResponseReturnValue:
    """One of the partner's apprentices, with skills wanted, mentor and check-ins."""
    detail = reports.apprentice_detail(partner_id, apprentice_id, _last_month())
    return jsonify(serializers.apprentice_detail_json(detail))
