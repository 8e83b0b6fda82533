"""The end of the program year: closing a cohort's year, certificates, outcomes, retention."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, template_folder="templates")

from web.outcomes import (  # noqa: E402,F401
    certificate_views,
    closing_views,
    import_views,
    retention_views,
    views,
)
