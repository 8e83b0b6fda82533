"""The consent page: what a guardian consents to, the button that confirms it, and, once
given, the button that takes the consent back."""

from __future__ import annotations

from flask import make_response, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from web.auth.tokens import InvalidLink, SpentLink
from web.database import commits
from web.guardians import bp
from web.language import speaking_to
from web.services import guardians


class ConsentForm(FlaskForm):
    """The guardian's confirmation; only the CSRF token."""


@bp.route("/guardian/consent/<token>", methods=["GET", "POST"])
@commits
def consent(token: str) -> Response:
    """Show what the guardian consents to; on confirm, record it (the link is then spent)."""
    try:
        profile = guardians.profile_for_token(token)
    except guardians.ConsentAlreadyGiven:
        return redirect(url_for("guardians.withdraw", token=token))
    except InvalidLink as error:
        return _private(render_template("guardians/link_problem.html", problem=str(error)), 400)
    except SpentLink as error:
        return _private(render_template("guardians/link_problem.html", problem=str(error)), 410)
    form = ConsentForm()
    with speaking_to(profile.user.language):  # the language of the email they opened
        if form.validate_on_submit():
            guardians.confirm_consent(token)
            page = render_template("guardians/consent_given.html", profile=profile)
            return _private(page, 200)
        page = render_template("guardians/consent.html", profile=profile, form=form)
    return _private(page, 400 if form.is_submitted() else 200)


@bp.route("/guardian/consent/<token>/withdraw", methods=["GET", "POST"])
@commits
def withdraw(token: str) -> Response:
    """With the same link, after consenting: take the consent back, ending the minor's pair."""
    try:
        profile = guardians.profile_for_withdrawal(token)
    except InvalidLink as error:
        return _private(render_template("guardians/link_problem.html", problem=str(error)), 400)
    except SpentLink as error:
        return _private(render_template("guardians/link_problem.html", problem=str(error)), 410)
    form = ConsentForm()
    with speaking_to(profile.user.language):
        if form.validate_on_submit():
            ended = guardians.withdraw_consent(token)
            page = render_template("guardians/withdrawn.html", profile=profile, ended=ended)
            return _private(page, 200)
        page = render_template("guardians/withdraw.html", profile=profile, form=form)
    return _private(page, 400 if form.is_submitted() else 200)


def _private(body: str, status: int) -> Response:
    """A page whose address holds a token: keep it out of Referer headers and caches."""
    response = make_response(body, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
