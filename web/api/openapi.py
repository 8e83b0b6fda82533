"""The OpenAPI 3.0.3 description of the partner API, built from the same constants it enforces."""

from __future__ import annotations

from web.api.errors import MESSAGES
from web.api.outcomes_schema import outcomes_schema
from web.api.params import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, STATUSES
from web.models import MentorshipStatus
from web.partners.services import LARGEST_ID

_ID = {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}
_COUNT = {"type": "integer", "minimum": 0}
_MONTH = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}$", "example": "2027-03"}
_RATING = {"type": "integer", "minimum": 1, "maximum": 5, "nullable": True}


def openapi_document() -> dict:
    """The whole document, as served at /api/v1/openapi.json."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Pathways partner API",
            "version": "1.0.0",
            "description": (
                "Read-only access for a partner institution to its own apprentices. "
                "Create a token on the 'API tokens' page and send it as "
                "'Authorization: Bearer <token>'. Records of other partners answer 404."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "opaque"}
            },
            "parameters": _parameters(),
            "responses": _error_responses(),
            "schemas": _schemas(),
        },
    }


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


_PAGE_URL = {"type": "string", "format": "uri", "nullable": True}
LINK_HEADER = {
    "Link": {
        "description": (
            "Links to the first, last, next and previous pages (RFC 8288), e.g. "
            '<https://…/apprentices?page=2&per_page=50>; rel="next".'
        ),
        "schema": {"type": "string"},
    }
}


def _ok(schema: str, description: str, headers: dict | None = None) -> dict:
    ok = {"description": description, "content": _json(_ref("schemas", schema))}
    return ok | ({"headers": headers} if headers else {})


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _operation(op_id: str, summary: str, ok: dict, params=(), errors=(401,)) -> dict:
    responses = {"200": ok} | {str(code): _ref("responses", str(code)) for code in errors}
    operation = {"operationId": op_id, "summary": summary, "responses": responses}
    if params:
        operation["parameters"] = [_ref("parameters", name) for name in params]
    return {"get": operation}


def _paths() -> dict:
    return {
        "/cohorts": _operation(
            "listCohorts",
            "Cohorts in which the partner has apprentices, with counts",
            _ok("CohortList", "The partner's cohorts"),
        ),
        "/cohorts/{cohort_id}": _operation(
            "getCohort",
            "Funnel counts, match rate, pathways and check-in health of one cohort",
            _ok("CohortSummary", "The cohort as this partner sees it"),
            params=["cohort_id"],
            errors=(401, 404),
        ),
        "/cohorts/{cohort_id}/apprentices": _operation(
            "listCohortApprentices",
            "The partner's apprentices in one cohort, a page at a time",
            _ok("ApprenticePage", "One page of apprentices", LINK_HEADER),
            params=["cohort_id", "page", "per_page", "status"],
            errors=(400, 401, 404),
        ),
        "/outcomes": _operation(
            "getOutcomes",
            "Completion, NPS, goals, skills, hires and retention of the partner's apprentices",
            _ok("Outcomes", "The partner's outcomes report"),
        ),
        "/cohorts/{cohort_id}/outcomes": _operation(
            "getCohortOutcomes",
            "The outcomes report of the partner's apprentices in one cohort",
            _ok("Outcomes", "The cohort's outcomes report, this partner's apprentices only"),
            params=["cohort_id"],
            errors=(401, 404),
        ),
        "/apprentices/{apprentice_id}": _operation(
            "getApprentice",
            "One apprentice with skills wanted, mentor and check-ins",
            _ok("ApprenticeDetail", "The apprentice"),
            params=["apprentice_id"],
            errors=(401, 404),
        ),
    }


def _parameters() -> dict:
    def query(name: str, schema: dict, description: str) -> dict:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "schema": schema,
            "description": description,
        }

    def path(name: str) -> dict:
        return {"name": name, "in": "path", "required": True, "schema": dict(_ID)}

    return {
        "cohort_id": path("cohort_id"),
        "apprentice_id": path("apprentice_id"),
        "page": query(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            "Page number, from 1.",
        ),
        "per_page": query(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
            "Apprentices per page.",
        ),
        "status": query(
            "status", {"type": "string", "enum": list(STATUSES)}, "Only apprentices of this status."
        ),
    }


def _error_responses() -> dict:
    error = _json(_ref("schemas", "Error"))
    responses = {
        str(code): {"description": MESSAGES[code], "content": error} for code in (400, 404)
    }
    responses["401"] = {
        "description": MESSAGES[401],
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
        "content": error,
    }
    return responses


def _object(properties: dict, required: list[str] | None = None, **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    schema["required"] = required if required is not None else list(properties)
    return schema


def _schemas() -> dict:
    counts = _object({step: _COUNT for step in ("registered", "matched", "approved", "active")})
    cohort = _object(
        {
            "id": _ID,
            "name": {"type": "string"},
            "starts_on": {"type": "string", "format": "date", "nullable": True},
            "ends_on": {"type": "string", "format": "date", "nullable": True},
            "counts": counts,
        }
    )
    summary_extra = {
        "match_rate": {"type": "number", "minimum": 0, "maximum": 1},
        "pathways": {
            "type": "array",
            "items": _object(
                {"key": {"type": "string"}, "label": {"type": "string"}, "count": _COUNT}
            ),
        },
        "check_ins": _object(
            {"month": _MONTH, "healthy": _COUNT, "low": _COUNT, "missing": _COUNT}
        ),
    }
    return {
        "Error": _object(
            {"error": {"type": "string"}, "parameter": {"type": "string"}}, required=["error"]
        ),
        "Cohort": cohort,
        "CohortList": _object({"cohorts": {"type": "array", "items": _ref("schemas", "Cohort")}}),
        "CohortSummary": _object(cohort["properties"] | summary_extra),
        "Mentor": _mentor_schema(),
        "Apprentice": _object(_apprentice_properties()),
        "ApprenticePage": _object(
            {
                "apprentices": {"type": "array", "items": _ref("schemas", "Apprentice")},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                "total": _COUNT,
                "pages": _COUNT,
                "next": _PAGE_URL | {"description": "The next page's URL; null on the last."},
                "prev": _PAGE_URL | {"description": "The previous page's URL; null on the first."},
            }
        ),
        "ApprenticeDetail": _object(_apprentice_properties() | _detail_properties()),
        "Outcomes": outcomes_schema(),
    }


def _mentor_schema() -> dict:
    text = {"type": "string"}
    return _object(
        {
            "name": text,
            "department": text,
            "job_title": text,
            "email": {
                "type": "string",
                "nullable": True,
                "description": "null until the mentor has confirmed the match",
            },
            "mentorship_status": {"type": "string", "enum": [s.value for s in MentorshipStatus]},
        },
        nullable=True,
        description="Shown once the pair has been published; null before.",
    )


def _apprentice_properties() -> dict:
    return {
        "id": _ID,
        "cohort_id": _ID,
        "name": {"type": "string", "nullable": True, "description": "null once withdrawn"},
        "email": {"type": "string", "nullable": True, "description": "null once withdrawn"},
        "status": {"type": "string", "enum": list(STATUSES)},
        "withdrawn": {"type": "boolean"},
        "pathways": {"type": "array", "items": {"type": "string"}},
        "mentor": _ref("schemas", "Mentor"),
    }


def _detail_properties() -> dict:
    return {
        "cohort": _object({"id": _ID, "name": {"type": "string"}}),
        "skills_wanted": {
            "type": "array",
            "items": _object(
                {
                    "key": {"type": "string"},
                    "label": {"type": "string"},
                    "level": {"type": "integer", "minimum": 1, "maximum": 3},
                }
            ),
        },
        "check_ins": _object(
            {
                "last_month": _MONTH,
                "last_month_state": {
                    "type": "string",
                    "enum": ["ok", "low", "missing", None],
                    "nullable": True,
                },
                "months": {
                    "type": "array",
                    "items": _object(
                        {"month": _MONTH, "apprentice_rating": _RATING, "mentor_rating": _RATING}
                    ),
                },
            }
        ),
    }
