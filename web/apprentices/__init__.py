"""Pages for the apprentices audience."""

from flask import Blueprint

bp = Blueprint("apprentices", __name__, template_folder="templates")

from web.apprentices import views  # noqa: E402,F401
