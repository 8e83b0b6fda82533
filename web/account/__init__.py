"""Pages every signed-in person has about their own data: download it, or erase it."""

from flask import Blueprint

bp = Blueprint("account", __name__, template_folder="templates")

from web.account import views  # noqa: E402, F401
