"""Download your own data as JSON; mentors and partner contacts erase their own data."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from web.access import role_required
from web.account import bp
from web.database import commits
from web.errors_domain import DomainError
from web.models import Role
from web.services import erasure, personal_data

SELF_ERASABLE = (Role.MENTOR, Role.PARTNER)


class EraseForm(FlaskForm):
    """Confirmation that the person wants their data erased; only the CSRF token."""


@bp.route("/my-data.json")
@role_required(Role.APPRENTICE, Role.MENTOR, Role.PARTNER, Role.COORDINATOR)
def my_data() -> Response:
    """Everything Pathways keeps about the signed-in person, as a JSON file."""
    user = current_user._get_current_object()
    body = json.dumps(personal_data.personal_data(user), indent=2, ensure_ascii=False)
    disposition = f'attachment; filename="{personal_data.download_name()}"'
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@bp.route("/erase", methods=["GET", "POST"])
@role_required(*SELF_ERASABLE)
@commits
def erase() -> str | Response:
    """Ask for confirmation, then erase the signed-in mentor or partner contact and sign out."""
    user = current_user._get_current_object()
    form = EraseForm()
    if form.validate_on_submit():
        try:
            _erase(user)
        except DomainError as error:
            form.form_errors.append(str(error))
            return render_template("account/erase.html", form=form), 409
        logout_user()
        flash(_("Your personal data is erased and your account is closed."), "success")
        return redirect(url_for("home.index"))
    return render_template("account/erase.html", form=form), 400 if form.is_submitted() else 200


def _erase(user) -> None:
    if user.role == Role.MENTOR:
        erasure.erase_mentor(user.mentor_profile, user)
    else:
        erasure.erase_partner_contact(user, user)
