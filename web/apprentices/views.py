"""Apprentice pages: register, see where you stand, change or withdraw, check in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from web.access import role_required
from web.apprentices import bp, services
from web.apprentices.forms import (
    ApprenticeProfileForm,
    ApprenticeRegistrationForm,
    ResendConsentForm,
    WithdrawForm,
)
from web.auth import throttling
from web.auth.services import EmailTaken
from web.auth.views import registration_received
from web.database import commits
from web.errors_domain import DomainError
from web.home.views import home_for
from web.language import current_language
from web.models import ApprenticeProfile, MentorshipStatus, Role
from web.profile_fields import check_in_page, options, shared_form_data
from web.services import account_emails, erasure, guardians, mentorships, stated_preferences
from web.services.registration_choices import registration_choices


def _registration_form() -> tuple[ApprenticeRegistrationForm, bool]:
    """The registration form with its choices, and whether any cohort takes registrations."""
    form = ApprenticeRegistrationForm()
    choices = registration_choices()
    form.partner_id.choices = options([("", _("- Select -")), *choices.partners])
    form.open_cohorts = choices.cohorts
    # Without a cohort open and a partner to come from, nobody can register yet.
    open_cohorts = [(c.id, c.name) for c in choices.cohorts if not c.archived]
    cohorts = open_cohorts if choices.partners else []
    form.cohort_id.choices = options([("", _("- Select -")), *cohorts])
    return form, bool(cohorts)


def _register_page() -> str:
    form, registration_open = _registration_form()
    return render_template(
        "apprentices/register.html", form=form, registration_open=registration_open
    )


@bp.route("/register", methods=["GET", "POST"])
@throttling.request_limit("REGISTRATION_LIMIT", _register_page, "registration")
@commits
def register() -> str | Response:
    """Create an apprentice account and profile; the answer never says if the email was taken."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form, registration_open = _registration_form()
    if registration_open and form.validate_on_submit():
        try:
            services.register_apprentice(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                partner_id=int(form.partner_id.data),
                cohort_id=int(form.cohort_id.data),
                details=form.details(),
                language=current_language(),
            )
        except EmailTaken:
            account_emails.registration_with_taken_email(form.email.data)
            return registration_received(form.email.data)
        except services.RegistrationClosed as error:
            form.cohort_id.errors.append(str(error))
        else:
            return registration_received(form.email.data)
    return render_template(
        "apprentices/register.html", form=form, registration_open=registration_open
    )


@bp.route("/status")
@role_required(Role.APPRENTICE)
def status() -> str:
    """Where the apprentice stands, their profile, and their mentor once published."""
    profile = _my_profile()
    mentorship = mentorships.latest_mentorship_for(profile)
    return render_template(
        "apprentices/status.html",
        profile=profile,
        steps=services.STEPS,
        step=services.step_index(profile),
        mentorship=mentorship,
        editable=profile.status in services.EDITABLE,
        month_label=mentorships.month_label,
        awaiting_consent=guardians.needs_consent(profile),
        resend_form=ResendConsentForm(),
        may_rank=stated_preferences.apprentice_may_state(profile),
    )


@bp.post("/consent/resend")
@role_required(Role.APPRENTICE)
@commits
def resend_consent() -> Response:
    """Email the parent or guardian the consent link again."""
    profile = _my_profile()
    if not ResendConsentForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
    else:
        try:
            guardians.request_consent(profile, current_user._get_current_object())
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(
                _(
                    "We have emailed %(name)s at %(email)s again.",
                    name=profile.guardian_name,
                    email=profile.guardian_email,
                ),
                "success",
            )
    return redirect(url_for("apprentices.status"))


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.APPRENTICE)
@commits
def edit_profile() -> str | Response:
    """Change the profile while waiting for a match."""
    profile = _my_profile()
    try:
        services.ensure_editable(profile)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("apprentices.status"))
    form = ApprenticeProfileForm(data=_form_data(profile))
    form.cohort_starts_on, form.own_email = profile.cohort.starts_on, profile.user.email
    if form.validate_on_submit():
        services.update_apprentice_profile(profile, form.details())
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("apprentices.status"))
    return render_template("apprentices/profile.html", form=form, profile=profile)


@bp.route("/withdraw", methods=["GET", "POST"])
@role_required(Role.APPRENTICE)
@commits
def withdraw() -> str | Response:
    """Ask for confirmation, then withdraw and sign out."""
    profile = _my_profile()
    form = WithdrawForm()
    if form.validate_on_submit():
        erasure.withdraw_apprentice(profile, current_user._get_current_object())
        logout_user()
        flash(_("You have left the program and your personal details are deleted."), "success")
        return redirect(url_for("home.index"))
    return render_template("apprentices/withdraw.html", form=form, profile=profile)


@bp.route("/check-in", methods=["GET", "POST"])
@role_required(Role.APPRENTICE)
@commits
def check_in() -> str | Response:
    """Send this month's (or last month's) check-in on the mentorship."""
    profile = _my_profile()
    mentorship = mentorships.live_mentorship_for(profile)
    if mentorship is None or mentorship.status != MentorshipStatus.ACTIVE:
        flash(_("You can send check-ins once your mentor has confirmed the mentorship."), "info")
        return redirect(url_for("apprentices.status"))
    return check_in_page(
        mentorship, template="apprentices/check_in.html", done_url=url_for("apprentices.status")
    )


def _my_profile() -> ApprenticeProfile:
    profile = current_user.apprentice_profile
    if profile is None:
        abort(404)
    return profile


def _form_data(profile: ApprenticeProfile) -> dict:
    return shared_form_data(profile) | {
        "date_of_birth": profile.date_of_birth,
        "guardian_name": profile.guardian_name,
        "guardian_email": profile.guardian_email,
        "goals": profile.goals,
    }
