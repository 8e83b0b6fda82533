"""Coordinator pages about mentors: the list, one mentor, and their background check."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only

from web.access import program_admin_required, role_required
from web.auth.services import has_usable_password
from web.coordinator import bp
from web.coordinator.mentor_forms import (
    ConfirmCheckForm,
    InviteForm,
    MentorFilterForm,
    WithdrawCheckForm,
)
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import ApprenticeProfile, MentorProfile, Mentorship, Role, User
from web.services import background_checks, invitations
from web.services.publishing import LIVE

MENTORS_PER_PAGE = 50
# What a row of the list shows (and its background check reads); not the skills or JSON lists.
LISTED = (
    load_only(
        MentorProfile.user_id,
        MentorProfile.department,
        MentorProfile.job_title,
        MentorProfile.capacity,
        MentorProfile.accepting,
        MentorProfile.vetting,
        MentorProfile.background_check_declared,
        MentorProfile.background_checked,
        MentorProfile.background_check_expires_at,
    ),
    contains_eager(MentorProfile.user).load_only(User.name, User.email_verified),
    lazyload(MentorProfile.skills),
)


@bp.route("/mentors")
@role_required(Role.COORDINATOR)
def mentors():
    """Mentors by name, with capacity, current load and background check."""
    form = MentorFilterForm(request.args)
    valid = form.validate()
    query = background_checks.mentors_query(form.check.data if valid else "")
    text = (form.q.data or "").strip() if valid else ""
    if text:
        query = query.where(
            or_(
                User.name.icontains(text, autoescape=True),
                User.email.icontains(text, autoescape=True),
            )
        )
    page = db.paginate(
        query.options(*LISTED), per_page=MENTORS_PER_PAGE, error_out=False, count=False
    )
    page.total = background_checks.mentors_total(query, whole_list=query.whereclause is None)
    return render_template(
        "coordinator/mentors.html",
        form=form,
        page=page,
        load=_live_load([m.id for m in page.items]),
        status_of=background_checks.status_of,
        labels=background_checks.STATUS_LABELS,
    )


@bp.route("/mentors/<int:mentor_id>")
@role_required(Role.COORDINATOR)
def mentor(mentor_id: int):
    """One mentor's offer, mentorships and background check."""
    return _mentor_page(db.get_or_404(MentorProfile, mentor_id), WithdrawCheckForm(formdata=None))


@bp.route("/mentors/<int:mentor_id>/background-check/confirm", methods=["POST"])
@program_admin_required
@commits
def confirm_background_check(mentor_id: int):
    """Confirm the check from the city's records; the mentor can then be paired with minors."""
    profile = db.get_or_404(MentorProfile, mentor_id)
    if ConfirmCheckForm().validate_on_submit():
        try:
            background_checks.confirm(profile, current_user._get_current_object())
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(f"{profile.user.name}'s background check is confirmed.", "success")
    else:
        flash("The form expired. Confirm the check again.", "error")
    return redirect(url_for("coordinator.mentor", mentor_id=mentor_id))


@bp.route("/mentors/<int:mentor_id>/invite", methods=["POST"])
@program_admin_required
@commits
def invite_mentor(mentor_id: int):
    """Email the mentor an invitation to choose a password (for accounts that have none)."""
    profile = db.get_or_404(MentorProfile, mentor_id)
    if not InviteForm().validate_on_submit():
        flash("The form expired. Send the invitation again.", "error")
    elif invitations.invite_person(profile.user, current_user._get_current_object()):
        flash(
            f"An invitation to choose a password is on its way to {profile.user.email}.", "success"
        )
    else:
        flash(f"{profile.user.name} already has a password; no invitation was sent.", "info")
    return redirect(url_for("coordinator.mentor", mentor_id=mentor_id))


@bp.route("/mentors/<int:mentor_id>/background-check/withdraw", methods=["POST"])
@program_admin_required
@commits
def withdraw_background_check(mentor_id: int):
    """Take back a confirmation, with the reason."""
    profile = db.get_or_404(MentorProfile, mentor_id)
    form = WithdrawCheckForm()
    if not form.validate_on_submit():
        return _mentor_page(profile, form), 400
    try:
        background_checks.withdraw(profile, current_user._get_current_object(), form.reason.data)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(
            f"The confirmation of {profile.user.name}'s background check is taken back. "
            "From the next round they are not paired with apprentices under 18.",
            "success",
        )
    return redirect(url_for("coordinator.mentor", mentor_id=mentor_id))


def _mentor_page(profile: MentorProfile, withdraw_form: WithdrawCheckForm):
    mentorships = db.session.scalars(
        select(Mentorship)
        .where(Mentorship.mentor_id == profile.id)
        .order_by(Mentorship.published_at.desc(), Mentorship.id.desc())
        # The page names each apprentice and their partner.
        .options(
            joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.user),
            joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.partner),
            joinedload(Mentorship.apprentice).lazyload(ApprenticeProfile.skills),
        )
    ).all()
    return render_template(
        "coordinator/mentor.html",
        profile=profile,
        mentorships=mentorships,
        check=background_checks.status_of(profile),
        labels=background_checks.STATUS_LABELS,
        confirm_form=ConfirmCheckForm(formdata=None),
        invite_form=InviteForm(formdata=None) if _needs_invitation(profile.user) else None,
        withdraw_form=withdraw_form,
    )


def _needs_invitation(user: User) -> bool:
    return user.active and not has_usable_password(user)


def _live_load(mentor_ids: list[int]) -> dict[int, int]:
    """Running or awaiting mentorships per mentor."""
    rows = db.session.execute(
        select(Mentorship.mentor_id, func.count())
        .where(Mentorship.mentor_id.in_(mentor_ids), Mentorship.status.in_(LIVE))
        .group_by(Mentorship.mentor_id)
    )
    return dict(rows.all())
