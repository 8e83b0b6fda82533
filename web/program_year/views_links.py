"""Pages opened from a link in an email, without signing in: unsubscribe."""

from __future__ import annotations

from flask import render_template, request
from werkzeug.wrappers import Response

from web.database import commits
from web.extensions import csrf
from web.program_year import bp
from web.services import email_preferences
from web.services.email_preferences import InvalidUnsubscribeLink


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
@commits
def unsubscribe(token: str) -> str | Response | tuple[str, int]:
    """Turn off non-essential emails; a POST is the mail client's one-click (RFC 8058)."""
    try:
        user = email_preferences.user_for_unsubscribe(token)
    except InvalidUnsubscribeLink as error:
        return render_template("program_year/link_problem.html", message=str(error)), 404
    if request.method == "POST":
        wanted = request.form.get("non_essential") == "on"
        email_preferences.set_non_essential(user, wanted)
    return render_template(
        "program_year/unsubscribe.html",
        token=token,
        receiving=email_preferences.wants_non_essential(user),
        posted=request.method == "POST",
    )
