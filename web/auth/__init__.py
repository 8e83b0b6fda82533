"""Signing in and out."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from web.auth import commands, mfa_views, verification, views  # noqa: E402,F401
