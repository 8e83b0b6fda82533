"""Pages for a minor's parent or guardian, reached from the links we email them."""

from flask import Blueprint

bp = Blueprint("guardians", __name__, template_folder="templates")

from web.guardians import views  # noqa: E402,F401
