"""Pages of the program year: a pair's meetings and goals, surveys, email choices."""

from flask import Blueprint

bp = Blueprint("program_year", __name__, template_folder="templates")

from web.program_year import views, views_cohorts, views_links  # noqa: E402,F401
