"""Outcome pages for coordinators and partners: who finished, and what they did next."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from web.access import posts_need_program_admin, role_required
from web.database import commits
from web.extensions import db
from web.models import Cohort
from web.outcomes import bp
from web.outcomes.forms import OutcomeForm
from web.outcomes.scope import EDITORS, partner_scope, today_in_city
from web.services import certificates, city_titles, outcomes
from web.services.outcomes import KIND_LABELS, OutcomeAnswers, OutcomeRefused
from web.services.paging import page_number

PER_PAGE = 50


@bp.get("/outcomes/")
@role_required(*EDITORS)
def index() -> str:
    """Apprentices whose year is over, with what they did next, one cohort or all."""
    cohorts = list(db.session.scalars(select(Cohort).order_by(Cohort.id.desc())))
    cohort_id = request.args.get("cohort", type=int) or 0
    if cohort_id not in {c.id for c in cohorts}:
        cohort_id = 0
    page = outcomes.finished_page(
        partner_scope(), cohort_id or None, page_number(request.args.get("page")), PER_PAGE
    )
    return render_template(
        "outcomes/index.html",
        page=page,
        cohorts=cohorts,
        cohort_id=cohort_id,
        kind_labels=KIND_LABELS,
    )


@bp.route("/outcomes/apprentices/<int:apprentice_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
@posts_need_program_admin
@commits
def apprentice(apprentice_id: int) -> str | Response:
    """One apprentice's outcomes, and the form to record a new one."""
    profile = outcomes.apprentice_in_scope(apprentice_id, partner_scope())
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            outcomes.add_outcome(profile, answers_from(form), current_user, today_in_city())
        except OutcomeRefused as error:
            _field_error(form, error)
        else:
            flash(_("The outcome is recorded."), "success")
            return redirect(url_for("outcomes.apprentice", apprentice_id=profile.id))
    page = render_template(
        "outcomes/apprentice.html",
        profile=profile,
        outcomes=outcomes.outcomes_of(profile),
        certificate=certificates.completed_mentorship_of_profile(profile),
        form=form,
        kind_labels=KIND_LABELS,
    )
    return page, 400 if form.is_submitted() else 200


@bp.route("/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
@posts_need_program_admin
@commits
def edit(outcome_id: int) -> str | Response:
    """Correct a recorded outcome."""
    outcome = outcomes.outcome_in_scope(outcome_id, partner_scope())
    form = OutcomeForm()
    if not form.is_submitted():
        form.fill_from(outcome)
    elif form.validate():
        try:
            changed = outcomes.change_outcome(
                outcome, answers_from(form), current_user, today_in_city()
            )
        except OutcomeRefused as error:
            _field_error(form, error)
        else:
            flash(_("The outcome is saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("outcomes.apprentice", apprentice_id=outcome.apprentice_id))
    page = render_template("outcomes/edit.html", outcome=outcome, form=form)
    return page, 400 if form.is_submitted() else 200


def answers_from(form: OutcomeForm) -> OutcomeAnswers:
    """The form's answers as the service reads them."""
    department, title = city_titles.split_position(form.position.data)
    return OutcomeAnswers(
        form.kind.data, department, title, form.occurred_on.data, form.note.data or ""
    )


def _field_error(form: OutcomeForm, error: OutcomeRefused) -> None:
    target = getattr(form, error.field, form.kind)
    target.errors = [*target.errors, str(error)]
