"""Notices every official city service publishes: accessibility and privacy."""

from flask import Blueprint

bp = Blueprint("about", __name__, template_folder="templates")

from web.about import views  # noqa: E402,F401
