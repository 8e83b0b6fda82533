"""Verifying a self-registered account's email address from the emailed link."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from web.auth import bp
from web.auth.tokens import InvalidLink, SpentLink
from web.auth.views import _private
from web.database import commits
from web.home.views import home_for
from web.services import email_verification


@bp.get("/email/verify/<token>")
@commits
def verify_email(token: str) -> Response:
    """Open the emailed link: the address is verified, and the account counts from now."""
    try:
        user = email_verification.user_for_link(token)
    except InvalidLink as error:
        return _private(
            render_template("auth/link_problem.html", problem=str(error), verification=True), 400
        )
    except SpentLink as error:
        return _private(
            render_template("auth/link_problem.html", problem=str(error), verification=True), 410
        )
    if email_verification.verify(user):
        flash(_("Thank you: %(email)s is verified.", email=user.email), "success")
    else:
        flash(_("%(email)s was already verified.", email=user.email), "info")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(home_for(user))
    return redirect(url_for("auth.login"))


@bp.post("/email/verify")
@login_required
@commits
def send_verification() -> Response:
    """Send the verification link again to the signed-in account's address."""
    if not FlaskForm().validate_on_submit():
        flash(_("This form expired. Try again."), "error")
    elif current_user.email_verified:
        flash(_("Your email address is already verified."), "info")
    elif email_verification.request_verification(current_user._get_current_object()):
        flash(_("A new link is on its way to %(email)s.", email=current_user.email), "success")
    else:
        flash(
            _(
                "We sent several links in the last hour. Check your inbox and spam folder, "
                "or try again later."
            ),
            "warning",
        )
    return redirect(home_for(current_user))
