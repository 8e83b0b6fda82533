"""Coordinator page: a cohort's reminder days (N and M)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import program_admin_required
from web.database import commits
from web.extensions import db
from web.models import Cohort
from web.program_year import bp
from web.program_year.forms import ReminderDaysForm
from web.services import reminder_settings


@bp.route("/program-year/cohorts/<int:cohort_id>/reminders", methods=["GET", "POST"])
@program_admin_required
@commits
def cohort_reminders(cohort_id: int) -> str | Response:
    """Set after how many days a silent mentor is reminded, then the coordinators told."""
    cohort = db.session.get(Cohort, cohort_id) or abort(404)
    nudge, escalate = reminder_settings.reminder_days(cohort.id)
    form = ReminderDaysForm(data={"nudge_after_days": nudge, "escalate_after_days": escalate})
    if form.validate_on_submit():
        reminder_settings.set_reminder_days(
            cohort, form.nudge_after_days.data, form.escalate_after_days.data, current_user
        )
        flash(f"Reminder days for {cohort.name} are saved.", "success")
        return redirect(url_for("program_year.cohort_reminders", cohort_id=cohort.id))
    return render_template("program_year/cohort_reminders.html", form=form, cohort=cohort)
