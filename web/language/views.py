"""The language switch on every page."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from web.extensions import db
from web.language import LANGUAGE_COOKIE, bp, supported

ONE_YEAR = 365 * 24 * 3600


@bp.post("/language")
def choose():
    """Remember the chosen language (on the account when signed in) and go back."""
    language = supported(request.form.get("language"))
    if language is None:
        abort(400, description=_("Choose one of the languages offered."))
    if current_user.is_authenticated:
        current_user.language = language
        db.session.commit()
    response = redirect(_back_to())
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def _back_to() -> str:
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")
