"""Pages for the coordinator audience."""

from flask import Blueprint

bp = Blueprint("coordinator", __name__, template_folder="templates")

from web.coordinator import (  # noqa: E402,F401
    erasure,
    feedback,
    intake,
    mentors,
    program,
    round_review,
    security,
    views,
    workbench,
)
