"""Administration of cohorts: edit, open and close registration, archive when finished."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from web.access import program_admin_required
from web.admin import bp
from web.admin.forms import ButtonForm, CohortEditForm
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import Cohort
from web.services import cohorts


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@program_admin_required
@commits
def edit_cohort(cohort_id: int):
    """Change a cohort's name, dates and description."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = CohortEditForm(obj=cohort)
    if form.validate_on_submit():
        try:
            cohorts.update_cohort(
                cohort,
                current_user._get_current_object(),
                name=form.name.data,
                description=form.description.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
            )
        except cohorts.CohortNameTaken as error:
            form.name.errors.append(str(error))
        except DomainError as error:
            flash(str(error), "error")
            return _to_cohort(cohort)
        else:
            flash(f"Cohort “{cohort.name}” is saved.", "success")
            return _to_cohort(cohort)
    status = 400 if form.errors else 200
    return render_template("admin/cohort_edit.html", form=form, cohort=cohort), status


@bp.post("/cohorts/<int:cohort_id>/registration")
@program_admin_required
@commits
def cohort_registration(cohort_id: int):
    """Open or close registration (the form says which)."""
    cohort = db.get_or_404(Cohort, cohort_id)
    open_ = request.form.get("open") == "1"
    if _button_ok():
        try:
            cohorts.set_registration(cohort, current_user._get_current_object(), open_=open_)
        except DomainError as error:
            flash(str(error), "error")
        else:
            state = "open: apprentices can choose it" if open_ else "closed"
            flash(f"Registration for {cohort.name} is {state}.", "success")
    return _to_cohort(cohort)


@bp.post("/cohorts/<int:cohort_id>/archive")
@program_admin_required
@commits
def archive_cohort(cohort_id: int):
    """Archive a finished cohort: read-only from now on, still in reports."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if _button_ok():
        try:
            cohorts.archive_cohort(cohort, current_user._get_current_object())
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(f"{cohort.name} is archived. It stays in reports, read-only.", "success")
    return _to_cohort(cohort)


def _button_ok() -> bool:
    if ButtonForm().validate_on_submit():
        return True
    flash("This form expired. Try again.", "error")
    return False


def _to_cohort(cohort: Cohort):
    return redirect(url_for("coordinator.cohort", cohort_id=cohort.id))
