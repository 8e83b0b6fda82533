"""Sign-in and sign-out pages, and setting a password from an emailed link."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from web.auth.services import MIN_PASSWORD_LENGTH, authenticate, set_new_password
from web.auth.tokens import RESET, InvalidLink, SpentLink, lifetime_in_words, user_for_token
from web.database import commits
from web.home.views import home_for
from web.services import email_verification, invitations


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("That email and password do not match an account.")
        else:
            login_user(user)
            flash(f"Welcome, {user.name}.", "success")
            return redirect(_safe_next() or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Sign out."""
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("home.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@commits
def forgot_password() -> str | Response:
    """Ask for a set-password link; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        invitations.request_password_link(form.email.data)
        flash(
            f"If a Pathways account uses {form.email.data.strip()}, we have emailed it a link "
            f"to set a new password. The link works for {lifetime_in_words(RESET)}. If no "
            "email arrives within a few minutes, check your spam folder.",
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
        login_user(user)
        flash(f"Your password is set. Welcome, {user.name}.", "success")
        return redirect(home_for(user))
    page = render_template(
        "auth/set_password.html", form=form, user=user, min_length=MIN_PASSWORD_LENGTH
    )
    return _private(page, 200)


def _private(body: str, status: int) -> Response:
    """A page whose address holds a token: keep it out of Referer headers and caches."""
    response = make_response(body, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else None
