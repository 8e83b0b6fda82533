"""Stated preferences: apprentices rank mentors, mentors mark apprentices, coordinators open
and close the step per cohort."""

from flask import Blueprint

bp = Blueprint("preferences", __name__, template_folder="templates")

from web.preferences import coordinator, views  # noqa: E402,F401
