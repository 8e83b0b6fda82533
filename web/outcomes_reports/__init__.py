"""Outcome reports: the coordinators' program report, its CSV files and the open-data export."""

from flask import Blueprint

bp = Blueprint("outcomes_reports", __name__, template_folder="templates")

from web.outcomes_reports import views  # noqa: E402,F401
