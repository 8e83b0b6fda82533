"""The OpenAPI description of the outcomes report (web/api/outcomes.py)."""

from __future__ import annotations

_COUNT = {"type": "integer", "minimum": 0}
_TEXT = {"type": "string"}
_RATE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}


def _rows(properties: dict) -> dict:
    row = {"type": "object", "properties": properties, "required": list(properties)}
    return {"type": "array", "items": row}


def outcomes_schema() -> dict:
    """The schema of the report: one array of rows per section."""
    sections = {
        "completion": _rows(
            {
                "cohort": _TEXT,
                "mentorships": _COUNT,
                "completed": _COUNT,
                "ended_early": _COUNT,
                "running": _COUNT,
                "other": _COUNT | {"description": "declined, withdrawn or not recorded"},
                "completion_rate": _RATE | {"description": "completed / (completed + early)"},
            }
        ),
        "nps": _rows(
            {
                "cohort": _TEXT,
                "survey": {"type": "string", "enum": ["pulse", "end_of_year"]},
                "respondent": {"type": "string", "enum": ["apprentice", "mentor"]},
                "responses": _COUNT,
                "promoters": _COUNT,
                "passives": _COUNT,
                "detractors": _COUNT,
                "nps": {"type": "number", "minimum": -100, "maximum": 100, "nullable": True},
                "mean_satisfaction": {"type": "number", "minimum": 1, "maximum": 5},
            }
        ),
        "goals": _rows(
            {
                "cohort": _TEXT,
                "proposed": _COUNT,
                "agreed": _COUNT,
                "met": _COUNT,
                "met_rate": _RATE,
            }
        ),
        "skills": _rows(
            {
                "skill": _TEXT,
                "category": _TEXT,
                "agreed_goals": _COUNT,
                "signed_off": _COUNT,
                "rate": _RATE,
            }
        ),
        "hires": _rows({"department": _TEXT, "job_title": _TEXT, "hires": _COUNT}),
        "retention": _rows(
            {
                "months": {"type": "integer", "enum": [6, 12]},
                "checks": _COUNT,
                "still_employed": _COUNT,
                "left": _COUNT,
                "awaiting_answer": _COUNT,
                "retention_rate": _RATE,
            }
        ),
    }
    properties = {"computed_at": {"type": "string", "format": "date-time"}} | sections
    return {"type": "object", "properties": properties, "required": list(properties)}
