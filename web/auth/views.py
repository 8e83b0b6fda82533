"""Sign-in and sign-out pages."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.forms import LoginForm
from web.auth.services import authenticate
from web.home.views import home_for


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


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else None
