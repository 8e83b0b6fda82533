"""The second sign-in step: setting up an authenticator app, and entering its codes."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from web.auth import bp, mfa, throttling
from web.auth.forms import CodeForm
from web.auth.sessions import clock, load_user
from web.auth.views import PENDING_NEXT, PENDING_SINCE, finish_sign_in
from web.database import commits
from web.models import User
from web.services import security_events

# Minutes between the password and the code, after which the password is asked again.
PENDING_MINUTES = 10


def pending_user() -> User | None:
    """The account that passed the password step in this browser a moment ago, if any."""
    since = session.get(PENDING_SINCE, 0)
    if clock() - since > PENDING_MINUTES * 60:
        return None
    return load_user(session.get(throttling.PENDING_USER, ""))


def _start_again() -> Response:
    flash(_("Please sign in again: the second step waits 10 minutes at most."), "info")
    return redirect(url_for("auth.login"))


def _code_page() -> str:
    user = pending_user()
    return render_template("auth/second_factor.html", form=CodeForm(), user=user)


@bp.route("/login/code", methods=["GET", "POST"])
@throttling.sign_in_limits(_code_page, per_account=throttling.pending_account)
@commits
def second_factor() -> str | Response:
    """Enter the code of the authenticator app, or a recovery code."""
    user = pending_user()
    if user is None or not mfa.is_enrolled(user):
        return _start_again()
    form = CodeForm()
    if form.validate_on_submit():
        if mfa.check_code(user, form.code.data):
            return finish_sign_in(user, session.get(PENDING_NEXT), mfa="app")
        if mfa.use_recovery_code(user, form.code.data):
            left = mfa.recovery_codes_left(user)
            security_events.record(security_events.RECOVERY_CODE_USED, user=user, left=left)
            flash(
                ngettext(
                    "You used a recovery code; %(num)d of them is left.",
                    "You used a recovery code; %(num)d of them are left.",
                    left,
                ),
                "warning",
            )
            return finish_sign_in(user, session.get(PENDING_NEXT), mfa="recovery_code")
        throttling.mark_failed()
        security_events.record(security_events.MFA_FAILED, user=user)
        form.code.errors.append(
            _("This code is not right, or was already used. Enter the code your app shows now.")
        )
    return render_template("auth/second_factor.html", form=form, user=user)


def _set_up_page() -> str:
    user = pending_user()
    ready = user is not None and user.totp_secret is not None
    return render_template(
        "auth/set_up_second_factor.html",
        form=CodeForm(),
        user=user,
        secret=user.totp_secret if ready else "",
        qr_code=mfa.qr_code_svg(user) if ready else "",
    )


@bp.route("/login/set-up", methods=["GET", "POST"])
@throttling.sign_in_limits(_set_up_page, per_account=throttling.pending_account)
@commits
def set_up_second_factor() -> str | Response:
    """At first sign-in: add Pathways to an authenticator app, and get recovery codes."""
    user = pending_user()
    if user is None:
        return _start_again()
    if mfa.is_enrolled(user):
        return redirect(url_for("auth.second_factor"))
    secret = mfa.secret_for_enrolment(user)
    form = CodeForm()
    if form.validate_on_submit():
        codes = mfa.confirm_enrolment(user, form.code.data)
        if codes is not None:
            security_events.record(security_events.MFA_ENROLLED, user=user)
            next_page = session.get(PENDING_NEXT)
            finish_sign_in(user, next_page, mfa="enrolment")
            page = render_template("auth/recovery_codes.html", codes=codes, next_page=next_page)
            response = make_response(page)
            response.headers["Cache-Control"] = "no-store"
            return response
        throttling.mark_failed()
        security_events.record(security_events.MFA_FAILED, user=user, at_set_up=True)
        form.code.errors.append(_("This code is not right. Enter the 6 digits your app shows now."))
    return render_template(
        "auth/set_up_second_factor.html",
        form=form,
        user=user,
        secret=secret,
        qr_code=mfa.qr_code_svg(user),
    )
