"""Sign-in and sign-out pages, and setting a password from an emailed link."""

from contextlib import nullcontext

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from web.auth import bp, mfa, throttling
from web.auth.forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from web.auth.services import authenticate, set_new_password
from web.auth.sessions import clock, end_all_sessions
from web.auth.tokens import RESET, InvalidLink, SpentLink, lifetime_in_words, user_for_token
from web.database import commits
from web.home.views import home_for
from web.language import speaking
from web.models import User
from web.services import email_verification, invitations, security_events

PENDING_SINCE, PENDING_NEXT = "mfa_since", "mfa_next"


def _login_page() -> str:
    demo = not current_app.config["MFA_REQUIRED"]
    return render_template("auth/login.html", form=LoginForm(), demo=demo)


@bp.route("/login", methods=["GET", "POST"])
@throttling.sign_in_limits(_login_page)
@commits
def login() -> str | Response:
    """Sign in with email and password, then the authenticator code where one is needed."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            throttling.mark_failed()
            security_events.record(security_events.SIGN_IN_FAILED, email=form.email.data)
            form.password.errors.append(_("That email and password do not match an account."))
        elif mfa.required_for(user):
            return _ask_for_second_factor(user)
        else:
            return finish_sign_in(user, _safe_next())
    demo = not current_app.config["MFA_REQUIRED"]
    return render_template("auth/login.html", form=form, demo=demo)


def _ask_for_second_factor(user: User) -> Response:
    """Remember who passed the password step, and send them to the code (or set-up) page."""
    session[throttling.PENDING_USER] = user.get_id()
    session[PENDING_SINCE] = int(clock())
    session[PENDING_NEXT] = _safe_next()
    step = "auth.second_factor" if mfa.is_enrolled(user) else "auth.set_up_second_factor"
    return redirect(url_for(step))


def finish_sign_in(
    user: User, next_page: str | None, *, welcome: LazyString | None = None, **details
) -> Response:
    """Sign `user` in (a fresh session and CSRF token), record it, and go on."""
    for key in (throttling.PENDING_USER, PENDING_SINCE, PENDING_NEXT):
        session.pop(key, None)
    login_user(user)
    security_events.record(security_events.SIGN_IN, user=user, **details)
    # The person's own choice from this page on; without one, the page's language goes on.
    with speaking(user.language) if user.language else nullcontext():
        flash(str(welcome or _l("Welcome, %(name)s.")) % {"name": user.name}, "success")
    return redirect(next_page or home_for(user))


@bp.post("/logout")
@commits
def logout() -> Response:
    """Sign out, ending this account's sessions in every browser."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        security_events.record(security_events.SIGN_OUT, user=user)
        end_all_sessions(user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("home.index"))


def _forgot_page() -> str:
    return render_template("auth/forgot_password.html", form=ForgotPasswordForm())


@bp.route("/password/forgot", methods=["GET", "POST"])
@throttling.request_limit("FORGOT_PASSWORD_LIMIT", _forgot_page, "password link")
@commits
def forgot_password() -> str | Response:
    """Ask for a set-password link; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        invitations.request_password_link(form.email.data)
        flash(
            _(
                "If a Pathways account uses %(email)s, we have emailed it a link to set a new "
                "password. The link works for %(time)s. If no email arrives within a few "
                "minutes, check your spam folder.",
                email=form.email.data.strip(),
                time=lifetime_in_words(RESET),
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@commits
def set_password(token: str) -> Response:
    """Choose a password from an invitation or reset link, then go in signed in."""
    try:
        user = user_for_token(token)
    except InvalidLink as error:
        return _private(render_template("auth/link_problem.html", problem=str(error)), 400)
    except SpentLink as error:
        return _private(render_template("auth/link_problem.html", problem=str(error)), 410)
    form = SetPasswordForm()
    if form.validate_on_submit():
        set_new_password(user, form.password.data)
        email_verification.verify(user)  # the link reached the inbox: the address is theirs
        if mfa.required_for(user):
            flash(_("Your password is set."), "success")
            return _ask_for_second_factor(user)
        welcome = _l("Your password is set. Welcome, %(name)s.")
        return finish_sign_in(user, None, welcome=welcome, via="set_password")
    page = render_template("auth/set_password.html", form=form, user=user)
    return _private(page, 200)


def registration_received(email: str) -> Response:
    """The one answer to a registration, whether or not the address already had an account."""
    flash(
        _(
            "Thank you for registering. Confirm your email address with the link we have sent "
            "to %(email)s, then sign in with that address and the password you chose.",
            email=email.strip(),
        ),
        "success",
    )
    return redirect(url_for("auth.login"))


def _private(body: str, status: int) -> Response:
    """A page whose address holds a token: keep it out of Referer headers and caches."""
    response = make_response(body, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else None
