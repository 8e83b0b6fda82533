"""The read-only JSON API for partner institutions, with its OpenAPI description."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from web.api import errors, outcomes, reference, views  # noqa: E402,F401
