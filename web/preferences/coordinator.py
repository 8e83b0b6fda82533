"""Program admins open and close the stated-preferences step of a cohort."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import program_admin_required
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import Cohort
from web.preferences import bp
from web.preferences.forms import StepForm
from web.services import stated_preferences


@bp.post("/coordinator/cohorts/<int:cohort_id>/preferences/open")
@program_admin_required
@commits
def open_step(cohort_id: int) -> Response:
    """Let the cohort's apprentices rank mentors and mentors mark them."""
    return _change(cohort_id, stated_preferences.open_step, _("Stated preferences are open."))


@bp.post("/coordinator/cohorts/<int:cohort_id>/preferences/close")
@program_admin_required
@commits
def close_step(cohort_id: int) -> Response:
    """Stop taking preferences; what was said counts in the cohort's next rounds."""
    return _change(
        cohort_id,
        stated_preferences.close_step,
        _("Stated preferences are closed. What was said counts in the next rounds."),
    )


def _change(cohort_id: int, change, done: str) -> Response:
    cohort = db.get_or_404(Cohort, cohort_id)
    if not StepForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
    else:
        try:
            change(cohort, current_user._get_current_object())
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(done, "success")
    return redirect(url_for("coordinator.cohort", cohort_id=cohort.id, _anchor="preferences"))
