"""Coordinator pages for closing a cohort's program year and watching its emails go out."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import program_admin_required, role_required
from web.database import commits
from web.extensions import db
from web.models import Cohort, MentorshipOutcome, Role, YearClosingStatus
from web.outcomes import bp
from web.outcomes.forms import CloseYearForm, SendAgainForm
from web.services import completion, outbox
from web.services.completion import ClosingRefused, PairDecision


@bp.route("/coordinator/cohorts/<int:cohort_id>/close-year", methods=["GET", "POST"])
@program_admin_required
@commits
def close_year(cohort_id: int) -> str | Response:
    """Each live pair completed (the default) or ended early with a reason, then confirm."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if cohort.year_closed:
        return redirect(url_for("outcomes.year_closing", cohort_id=cohort.id))
    pairs = completion.live_pairs(cohort)
    form = CloseYearForm()
    decisions = _decisions_from(request.form, pairs) if form.is_submitted() else _defaults(pairs)
    problems = completion.decision_problems(pairs, decisions) if form.is_submitted() else {}
    if form.validate_on_submit() and not problems:
        try:
            completion.close_year(cohort, decisions, current_user)
        except ClosingRefused as error:
            flash(str(error), "error")
            if cohort.year_closed:  # closed meanwhile, by someone else or a second click
                return redirect(url_for("outcomes.year_closing", cohort_id=cohort.id))
        else:
            flash(_("The year is closed: each pair is completed or ended as you chose."), "success")
            return redirect(url_for("outcomes.year_closing", cohort_id=cohort.id))
    page = render_template(
        "outcomes/close_year.html",
        cohort=cohort,
        pairs=pairs,
        form=form,
        decisions=decisions,
        problems=problems,
    )
    return page, 400 if form.is_submitted() else 200


def _defaults(pairs) -> dict[int, PairDecision]:
    return {m.id: PairDecision(MentorshipOutcome.COMPLETED) for m in pairs}


def _decisions_from(form, pairs) -> dict[int, PairDecision]:
    """Each pair's answers as typed, kept to show again if something needs fixing."""
    return {
        m.id: PairDecision(
            form.get(f"outcome-{m.id}", ""), (form.get(f"reason-{m.id}") or "").strip()
        )
        for m in pairs
    }


@bp.get("/coordinator/cohorts/<int:cohort_id>/year-closing")
@role_required(Role.COORDINATOR)
def year_closing(cohort_id: int) -> str | Response:
    """How far the closing emails have got, then what the closing did."""
    cohort = db.get_or_404(Cohort, cohort_id)
    closing = completion.closing_of(cohort)
    if closing is None:
        return redirect(url_for("outcomes.close_year", cohort_id=cohort.id))
    return render_template(
        "outcomes/year_closing.html",
        cohort=cohort,
        closing=closing,
        waiting_for_queue=not closing.finished and outbox.waiting_for(closing),
        send_again_form=SendAgainForm(formdata=None),
    )


@bp.post("/coordinator/cohorts/<int:cohort_id>/year-closing/send-again")
@program_admin_required
@commits
def send_closing_emails_again(cohort_id: int) -> Response:
    """After the mail server failed for good: queue the emails not sent yet."""
    cohort = db.get_or_404(Cohort, cohort_id)
    closing = completion.closing_of(cohort)
    if closing is None:
        return redirect(url_for("outcomes.close_year", cohort_id=cohort.id))
    if not SendAgainForm().validate_on_submit():
        flash(_("This form expired. Try again."), "error")
    else:
        try:
            completion.send_again(closing, current_user)
        except ClosingRefused as error:
            flash(str(error), "error")
        else:
            flash(_("The emails not sent yet are queued to go out again."), "success")
    return redirect(url_for("outcomes.year_closing", cohort_id=cohort.id))


@bp.get("/coordinator/cohorts/<int:cohort_id>/year-closing/progress.json")
@role_required(Role.COORDINATOR)
def year_closing_progress(cohort_id: int) -> Response:
    """The closing emails' progress, for the progress script."""
    cohort = db.get_or_404(Cohort, cohort_id)
    closing = completion.closing_of(cohort)
    if closing is None:
        return jsonify(status="missing", progress=0, message=""), 404
    message = _(
        "%(sent)s of %(total)s emails sent", sent=closing.emails_sent, total=closing.emails_total
    )
    if closing.status == YearClosingStatus.RUNNING and closing.progress_message:
        message = f"{message}. {closing.progress_message}"  # the mail server is being retried
    return jsonify(status=closing.status, progress=round(closing.progress, 3), message=message)
