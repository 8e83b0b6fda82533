"""Coordinator pages that erase a person's data: a mentor, a partner contact, an apprentice."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from web.access import program_admin_required
from web.coordinator import bp
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import ApprenticeProfile, MentorProfile, Role, User
from web.services import erasure


class EraseForm(FlaskForm):
    """The coordinator's confirmation; only the CSRF token."""


@bp.route("/mentors/<int:mentor_id>/erase", methods=["GET", "POST"])
@program_admin_required
@commits
def erase_mentor(mentor_id: int):
    """Erase a mentor's personal data, once they mentor nobody."""
    profile = db.get_or_404(MentorProfile, mentor_id)
    return _erase_page(
        "mentor",
        profile.user,
        lambda actor: erasure.erase_mentor(profile, actor),
        url_for("coordinator.mentor", mentor_id=mentor_id),
    )


@bp.route("/partner-contacts/<int:user_id>/erase", methods=["GET", "POST"])
@program_admin_required
@commits
def erase_partner_contact(user_id: int):
    """Erase a partner institution's contact; the institution stays."""
    user = db.get_or_404(User, user_id)
    if user.role != Role.PARTNER:
        abort(404)
    return _erase_page(
        "partner contact",
        user,
        lambda actor: erasure.erase_partner_contact(user, actor),
        url_for("coordinator.dashboard"),
    )


@bp.route("/apprentices/<int:apprentice_id>/erase", methods=["GET", "POST"])
@program_admin_required
@commits
def erase_apprentice(apprentice_id: int):
    """Withdraw an apprentice on their behalf: their pairs end and their data goes."""
    profile = db.get_or_404(ApprenticeProfile, apprentice_id)
    if profile.user is None:
        abort(404)
    return _erase_page(
        "apprentice",
        profile.user,
        lambda actor: erasure.withdraw_apprentice(profile, actor),
        url_for("coordinator.dashboard"),
    )


def _erase_page(kind: str, person: User, erase, back_url: str):
    form = EraseForm()
    if person.erased_at is not None:
        flash(f"This {kind}'s data is already erased.", "info")
        return redirect(back_url)
    if form.validate_on_submit():
        name = person.name
        try:
            erase(current_user._get_current_object())
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"{name}'s personal data is erased, everywhere it was kept.", "success")
            return redirect(back_url)
    status = 409 if form.form_errors else (400 if form.is_submitted() else 200)
    return render_template(
        "coordinator/erase.html", form=form, kind=kind, person=person, back_url=back_url
    ), status
