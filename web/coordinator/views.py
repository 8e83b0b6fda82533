"""Coordinator pages: the dashboard, cohorts and starting a round, and the audit log."""

from __future__ import annotations

import logging

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from matcher.profiles import COMPONENTS
from web.access import program_admin_required, role_required
from web.catalog import PATHWAYS, SKILL_TAXONOMY
from web.coordinator import bp
from web.coordinator.forms import COMPONENT_LABELS, AuditFilterForm, CohortForm, RoundSettingsForm
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import AuditEvent, Cohort, Role
from web.profile_fields import options
from web.services import (
    audit_subjects,
    cohorts,
    readiness_checks,
    reports,
    rounds,
    stated_preferences,
)
from web.services.paging import page_number

logger = logging.getLogger(__name__)
coordinator_only = role_required(Role.COORDINATOR)
# The readiness check reports pathways and skills case-folded ("python programming").
READINESS_LABELS = {
    text.casefold(): text for text in [*PATHWAYS.values(), *(t for _, t, _ in SKILL_TAXONOMY)]
}


@bp.route("/")
@coordinator_only
def dashboard():
    """Every cohort with its apprentices by status and its latest round."""
    every_cohort = db.session.scalars(select(Cohort).order_by(Cohort.id.desc())).all()
    return render_template(
        "coordinator/dashboard.html",
        cohorts=every_cohort,
        counts=reports.status_counts_by_cohort(),
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
@program_admin_required
@commits
def new_cohort():
    """Create a cohort that apprentices can join."""
    form = CohortForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("coordinator/new_cohort.html", form=form), status
    try:
        cohort = cohorts.create_cohort(
            form.name.data,
            created_by=current_user,
            description=form.description.data or "",
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            registration_open=form.registration_open.data,
        )
    except cohorts.CohortNameTaken as error:
        form.name.errors.append(str(error))
        return render_template("coordinator/new_cohort.html", form=form), 400
    flash(f"Cohort “{cohort.name}” created.", "success")
    return redirect(url_for("coordinator.cohort", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>")
@coordinator_only
def cohort(cohort_id: int):
    """A cohort: who is in it, whether mentors can cover it, its rounds, and a new round."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = RoundSettingsForm(formdata=None)
    if cohort.rounds:
        form.fill_from(cohort.rounds[0].parameters or {})
    return _cohort_page(cohort, form)


def _cohort_page(cohort: Cohort, form: RoundSettingsForm, status: int = 200):
    # Computed by the worker and kept until the program changes; never on each view.
    kept = readiness_checks.readiness_for_page(cohort, form.parameters() if not form.errors else {})
    return (
        render_template(
            "coordinator/cohort.html",
            cohort=cohort,
            summary=reports.cohort_summary(cohort),
            readiness=kept.result or {},
            kept=kept,
            form=form,
            components=COMPONENTS,
            component_labels=COMPONENT_LABELS,
            readiness_labels=READINESS_LABELS,
            stated=stated_preferences.step_counts(cohort),
        ),
        status,
    )


@bp.route("/cohorts/<int:cohort_id>/rounds", methods=["POST"])
@program_admin_required
@commits
def start_round(cohort_id: int):
    """Start a matching round with the settings from the form."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = RoundSettingsForm()
    if not form.validate_on_submit():
        return _cohort_page(cohort, form, 400)
    try:
        match_round = rounds.start_round(cohort, form.parameters(), current_user)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("coordinator.cohort", cohort_id=cohort.id))
    # Said before the commit hands the round to the queue: the round page tells what follows.
    flash(f"Round {match_round.id} saved.", "success")
    return redirect(url_for("coordinator.round", round_id=match_round.id))


def _audit_filters() -> tuple[AuditFilterForm, reports.AuditQuery]:
    form = AuditFilterForm(request.args)
    form.action.choices = options([("", "All actions")] + [(a, a) for a in reports.audit_actions()])
    if not form.validate():
        return form, reports.AuditQuery()
    query = reports.AuditQuery(
        action=form.action.data or "",
        who=form.who.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    return form, query


@bp.route("/audit")
@coordinator_only
def audit_log():
    """The audit log: every decision, who took it, when and why."""
    form, query = _audit_filters()
    # Each event names its actor: joined into the page's one statement.
    events = reports.audit_select(query).options(joinedload(AuditEvent.actor))
    page = reports.paginate(events, page_number(request.args.get("page")))
    args = {k: v for k, v in request.args.items() if k != "page" and not form.errors}
    subjects = audit_subjects.describe(page.items)
    return render_template(
        "coordinator/audit.html", form=form, page=page, args=args, subjects=subjects
    )


@bp.route("/audit.csv")
@coordinator_only
def audit_csv():
    """The filtered audit log as a CSV file."""
    form, query = _audit_filters()
    if form.errors:
        flash("Fix the filters before exporting.", "error")
        return redirect(url_for("coordinator.audit_log", **request.args))
    return Response(
        stream_with_context(reports.audit_csv(query)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=pathways-audit.csv"},
    )
