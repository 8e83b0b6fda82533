"""Signing in and out."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from web.auth import mfa_views, verification, views  # noqa: E402,F401
