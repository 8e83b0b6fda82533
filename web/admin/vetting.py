"""Mentor vetting: the offers waiting for a coordinator, approved or turned down."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from web.access import program_admin_required
from web.admin import bp
from web.admin.forms import ButtonForm, RefuseMentorForm
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import MentorProfile
from web.services import vetting

PER_PAGE = 50


@bp.route("/mentors/pending")
@program_admin_required
def pending_mentors():
    """New mentors waiting for approval, oldest first."""
    return _pending_page(RefuseMentorForm(formdata=None), None)


def _pending_page(refuse_form: RefuseMentorForm, refusing: int | None, status: int = 200):
    page = db.paginate(vetting.pending_query(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/pending_mentors.html",
        page=page,
        approve_form=ButtonForm(formdata=None),
        refuse_form=refuse_form,
        refusing=refusing,
    ), status


@bp.post("/mentors/<int:mentor_id>/approve")
@program_admin_required
@commits
def approve_mentor(mentor_id: int):
    """Approve a pending mentor: they are matched once their address is verified."""
    profile = db.get_or_404(MentorProfile, mentor_id)
    if not ButtonForm().validate_on_submit():
        flash("This form expired. Try again.", "error")
    else:
        try:
            vetting.approve(profile, current_user._get_current_object())
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(f"{profile.user.name}'s offer to mentor is approved.", "success")
    return redirect(url_for("admin.pending_mentors"))


@bp.post("/mentors/<int:mentor_id>/refuse")
@program_admin_required
@commits
def refuse_mentor(mentor_id: int):
    """Turn down a pending mentor's offer, with the reason."""
    profile = db.get_or_404(MentorProfile, mentor_id)
    form = RefuseMentorForm()
    if not form.validate_on_submit():
        return _pending_page(form, profile.id, 400)
    try:
        vetting.refuse(profile, current_user._get_current_object(), form.reason.data)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(f"{profile.user.name}'s offer to mentor is turned down.", "success")
    return redirect(url_for("admin.pending_mentors"))
