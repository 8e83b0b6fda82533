"""Coordinator pages for the program year's feedback: survey answers, flags, one pair's record."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from web.access import program_admin_required, role_required
from web.coordinator import bp
from web.coordinator.feedback_forms import ResolveFlagForm, SurveyFilterForm
from web.coordinator.intake_forms import cohort_choices
from web.database import commits
from web.extensions import db
from web.models import Cohort, PairFlag, Role
from web.services import program_feedback
from web.services.outcome_reports import ReportScope, nps
from web.services.paging import page_number


@bp.get("/surveys")
@role_required(Role.COORDINATOR)
def surveys():
    """Survey scores per cohort, and the answers with their comments, newest first."""
    form = SurveyFilterForm(request.args)
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.name))
    form.cohort.choices = cohort_choices(cohorts, _("All cohorts"))
    valid = form.validate()
    cohort_id = (form.cohort.data if valid else 0) or None
    answers = program_feedback.answers_page(
        page_number(request.args.get("page")),
        cohort_id=cohort_id,
        kind=form.kind.data if valid else "",
        with_comment=bool(form.with_comment.data),
    )
    scores = nps(ReportScope(cohort_id=cohort_id))
    return render_template("coordinator/surveys.html", form=form, answers=answers, scores=scores)


@bp.get("/flags")
@role_required(Role.COORDINATOR)
def flags():
    """Flags raised on pairs and not resolved yet, oldest first."""
    page = program_feedback.open_flags_page(page_number(request.args.get("page")))
    return render_template(
        "coordinator/flags.html", flags=page, form=ResolveFlagForm(formdata=None)
    )


@bp.post("/flags/<int:flag_id>/resolve")
@program_admin_required
@commits
def resolve_flag(flag_id: int):
    """Close a flag with a note of what was done."""
    flag = db.get_or_404(PairFlag, flag_id)
    form = ResolveFlagForm()
    if not form.validate_on_submit():
        page = program_feedback.open_flags_page(1)
        return render_template(
            "coordinator/flags.html", flags=page, form=form, failed_flag=flag.id
        ), 400
    try:
        program_feedback.resolve_flag(flag, current_user, form.note.data or "")
    except program_feedback.FlagAlreadyResolved:
        flash(_("This flag was already resolved."), "error")
    else:
        flash(_("The flag is resolved."), "success")
    if request.form.get("back") == "mentorship":
        return redirect(url_for("coordinator.mentorship", mentorship_id=flag.mentorship_id))
    return redirect(url_for("coordinator.flags"))


@bp.get("/mentorships/<int:mentorship_id>")
@role_required(Role.COORDINATOR)
def mentorship(mentorship_id: int):
    """One pair: check-in ratings and notes of both sides, flags, goals and survey answers."""
    review = program_feedback.mentorship_review(mentorship_id)
    if review is None:
        abort(404)
    return render_template(
        "coordinator/mentorship.html", review=review, form=ResolveFlagForm(formdata=None)
    )
