"""The public front page and each role's landing page."""

from flask import Blueprint

bp = Blueprint("home", __name__, template_folder="templates")

from web.home import views  # noqa: E402,F401
