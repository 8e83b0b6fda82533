"""Pages for the partners audience."""

from flask import Blueprint

bp = Blueprint("partners", __name__, template_folder="templates")

from web.partners import colleagues, outcomes, views  # noqa: E402,F401
