"""Pages for the mentors audience."""

from flask import Blueprint

bp = Blueprint("mentors", __name__, template_folder="templates")

from web.mentors import views  # noqa: E402,F401
