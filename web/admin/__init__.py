"""Program administration: coordinators, accounts, partner institutions, cohorts, vetting."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from web.admin import cohorts, partners, people, vetting  # noqa: E402,F401
