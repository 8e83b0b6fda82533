"""Mentor pages: register, see and answer your apprentices, change your offer, check in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web import catalog
from web.access import role_required
from web.auth import throttling
from web.auth.services import EmailTaken
from web.auth.views import registration_received
from web.database import commits, enqueue_after_commit
from web.errors_domain import DomainError
from web.home.views import home_for
from web.language import current_language
from web.mentors import bp, services
from web.mentors.forms import (
    OTHER_TITLE,
    ConfirmForm,
    DeclineForm,
    MentorProfileForm,
    MentorRegistrationForm,
)
from web.models import MentorProfile, Mentorship, MentorshipStatus, Role
from web.profile_fields import check_in_page, shared_form_data
from web.services import account_emails, mentorships, stated_preferences, vetting


def _register_page() -> str:
    return render_template("mentors/register.html", form=MentorRegistrationForm())


@bp.route("/register", methods=["GET", "POST"])
@throttling.request_limit("REGISTRATION_LIMIT", _register_page, "registration")
@commits
def register() -> str | Response:
    """Create a mentor account and profile; the answer never says if the email was taken."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = MentorRegistrationForm()
    if form.validate_on_submit():
        try:
            services.register_mentor(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                details=form.details(),
                language=current_language(),
            )
        except EmailTaken:
            account_emails.registration_with_taken_email(form.email.data)
            return registration_received(form.email.data)
        return registration_received(form.email.data)
    return render_template("mentors/register.html", form=form)


@bp.route("/")
@role_required(Role.MENTOR)
def dashboard() -> str:
    """The mentor's apprentices, those waiting for an answer first."""
    profile = _my_profile()
    return render_template(
        "mentors/dashboard.html",
        profile=profile,
        mentorships=services.mentorships_of(profile),
        confirm_form=ConfirmForm(),
        month_label=mentorships.month_label,
        standing=vetting.standing(profile),
        may_mark=stated_preferences.mentor_may_state(profile),
    )


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.MENTOR)
@commits
def edit_profile() -> str | Response:
    """Change capacity, schedule and the rest of the offer for the next round."""
    profile = _my_profile()
    form = MentorProfileForm(data=_form_data(profile))
    if form.validate_on_submit():
        services.update_mentor_profile(profile, form.details())
        flash(_("Your profile is saved. The next matching round will use it."), "success")
        return redirect(url_for("mentors.dashboard"))
    return render_template("mentors/profile.html", form=form)


@bp.post("/mentorships/<int:mentorship_id>/confirm")
@role_required(Role.MENTOR)
@commits
def confirm(mentorship_id: int) -> Response:
    """Confirm an apprentice: the mentorship starts."""
    mentorship = _my_mentorship(mentorship_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _answer(mentorship, accept=True, reason="")
    return redirect(url_for("mentors.dashboard"))


@bp.route("/mentorships/<int:mentorship_id>/decline", methods=["GET", "POST"])
@role_required(Role.MENTOR)
@commits
def decline(mentorship_id: int) -> str | Response:
    """Decline an apprentice, who goes back into the next matching round."""
    mentorship = _my_mentorship(mentorship_id)
    form = DeclineForm()
    if form.validate_on_submit() or mentorship.status != MentorshipStatus.AWAITING_MENTOR:
        _answer(mentorship, accept=False, reason=form.reason.data or "")
        return redirect(url_for("mentors.dashboard"))
    return render_template("mentors/decline.html", form=form, mentorship=mentorship)


def _answer(mentorship: Mentorship, *, accept: bool, reason: str) -> None:
    name = mentorship.apprentice.display_name
    try:
        mentorships.respond_to_match(mentorship, current_user._get_current_object(), accept, reason)
    except DomainError as error:
        flash(str(error), "warning")
        return
    if accept:
        flash(
            _("You confirmed %(name)s. Please get in touch to plan your first meeting.", name=name),
            "success",
        )
    else:
        enqueue_after_commit("workers.year_tasks.send_decline_notices", mentorship.id)
        flash(
            _("You declined %(name)s. They will be matched again in the next round.", name=name),
            "success",
        )


@bp.route("/mentorships/<int:mentorship_id>/check-in", methods=["GET", "POST"])
@role_required(Role.MENTOR)
@commits
def check_in(mentorship_id: int) -> str | Response:
    """Send this month's (or last month's) check-in on one mentorship."""
    mentorship = _my_mentorship(mentorship_id)
    if mentorship.status != MentorshipStatus.ACTIVE:
        flash(_("Check-ins open once you have confirmed the apprentice."), "info")
        return redirect(url_for("mentors.dashboard"))
    return check_in_page(
        mentorship, template="mentors/check_in.html", done_url=url_for("mentors.dashboard")
    )


def _my_profile() -> MentorProfile:
    profile = current_user.mentor_profile
    if profile is None:
        abort(404)
    return profile


def _my_mentorship(mentorship_id: int) -> Mentorship:
    """The signed-in mentor's mentorship; anyone else's is a 404."""
    mentorship = services.own_mentorship(_my_profile(), mentorship_id)
    if mentorship is None:
        abort(404)
    return mentorship


def _form_data(profile: MentorProfile) -> dict:
    known_title = profile.job_title in catalog.JOB_TITLES
    return shared_form_data(profile) | {
        "department": profile.department,
        "job_title": profile.job_title if known_title else OTHER_TITLE,
        "job_title_other": "" if known_title else profile.job_title,
        "capacity": profile.capacity,
        "background_check_declared": profile.background_check_declared,
        "phone": profile.phone,
        "accepting": profile.accepting,
    }
