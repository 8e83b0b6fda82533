"""The round workbench's larger actions: approving many pairs, pairing by hand, comparing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from web.access import program_admin_required, role_required
from web.coordinator import bp
from web.coordinator.forms import BulkApproveForm, DecisionForm
from web.coordinator.review_state import review_url
from web.coordinator.round_review import round_page
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.models import MatchRound, Role, UnmatchedApprentice
from web.services import decisions, manual_pairing, round_changes

coordinator_only = role_required(Role.COORDINATOR)
OTHERS_SHOWN = 50  # mentors the rules rule out, listed by name; all are counted by rule


@bp.route("/rounds/<int:round_id>/approve", methods=["POST"])
@program_admin_required
@commits
def approve_matches(round_id: int):
    """Approve the selected pairs, or all proposed pairs at or above a score, once confirmed."""
    match_round = db.get_or_404(MatchRound, round_id)
    form = BulkApproveForm()
    back = request.form.get("back", "")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            flash(_("This form expired. Try again."), "error")
            return redirect(review_url(round_id, back, "#bulk"))
        return round_page(match_round, bulk_form=form), 400
    ids = sorted({int(i) for i in request.form.getlist("match_ids") if i.isdecimal()})
    min_score = None if ids else form.min_score.data
    try:
        if request.form.get("confirmed") != "yes":
            preview = decisions.preview_approval(match_round, ids, min_score)
            return _confirm_page(match_round, ids, min_score, preview, back)
        outcome = decisions.approve_many(match_round, current_user, ids, min_score)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(review_url(round_id, back, "#bulk"))
    flash(_approved_message(outcome), "success" if outcome.approved else "warning")
    return redirect(review_url(round_id, back, "#pairs"))


def _confirm_page(match_round, ids, min_score, preview, back: str) -> str:
    """Say how many pairs the approval touches before it does anything."""
    return render_template(
        "coordinator/confirm_approval.html",
        match_round=match_round,
        ids=ids,
        min_score=min_score,
        preview=preview,
        back=back,
        cancel_url=review_url(match_round.id, back, "#pairs"),
    )


def _approved_message(outcome: decisions.BulkOutcome) -> str:
    message = ngettext("Approved %(num)d pair.", "Approved %(num)d pairs.", outcome.approved)
    if outcome.skipped:
        message += " " + ngettext(
            "%(num)d already decided and left as it was.",
            "%(num)d already decided and left as they were.",
            outcome.skipped,
        )
    return message


@bp.route("/rounds/<int:round_id>/unmatched/<int:apprentice_id>")
@coordinator_only
def mentor_choices(round_id: int, apprentice_id: int):
    """Mentors for an apprentice the round left alone: feasible ones ranked, and why not others."""
    match_round = db.get_or_404(MatchRound, round_id)
    miss = _unmatched_or_404(round_id, apprentice_id)
    try:
        choices = manual_pairing.mentor_choices(match_round, apprentice_id)
    except DomainError as error:
        choices, problem = None, str(error)
    else:
        problem = None
    latest = decisions.latest_succeeded_round(match_round.cohort_id)
    return render_template(
        "coordinator/pair_by_hand.html",
        match_round=match_round,
        miss=miss,
        choices=choices,
        problem=problem,
        can_pair=bool(
            current_user.is_program_admin
            and not match_round.cohort.archived
            and latest is not None
            and latest.id == match_round.id
        ),
        back=request.args.get("back", ""),
        back_url=review_url(round_id, request.args.get("back", ""), "#unmatched"),
        action_form=DecisionForm(),
        others_shown=OTHERS_SHOWN,
    )


def _unmatched_or_404(round_id: int, apprentice_id: int) -> UnmatchedApprentice:
    miss = db.session.scalar(
        select(UnmatchedApprentice).where(
            UnmatchedApprentice.round_id == round_id,
            UnmatchedApprentice.apprentice_id == apprentice_id,
        )
    )
    if miss is None:
        abort(404)
    return miss


@bp.route("/rounds/<int:round_id>/unmatched/<int:apprentice_id>", methods=["POST"])
@program_admin_required
@commits
def pair_by_hand(round_id: int, apprentice_id: int):
    """Pair the apprentice with the chosen mentor, approved and locked."""
    match_round = db.get_or_404(MatchRound, round_id)
    back = request.form.get("back", "")
    here = url_for(
        "coordinator.mentor_choices", round_id=round_id, apprentice_id=apprentice_id, back=back
    )
    mentor_id = request.form.get("mentor_id", "")
    if not DecisionForm().validate_on_submit():
        flash(_("This form expired. Try again."), "error")
        return redirect(here)
    if not mentor_id.isdecimal():
        flash(_("Choose a mentor from the list."), "error")
        return redirect(here)
    try:
        match = manual_pairing.pair_by_hand(
            match_round, apprentice_id, int(mentor_id), current_user
        )
    except DomainError as error:
        flash(str(error), "error")
        return redirect(here)
    flash(
        _(
            "Paired %(apprentice)s with %(mentor)s, approved and locked.",
            apprentice=match.apprentice.display_name,
            mentor=match.mentor.user.name,
        ),
        "success",
    )
    return redirect(review_url(round_id, back, f"#pair-{match.id}"))


@bp.route("/rounds/<int:round_id>/compare/<int:other_id>")
@coordinator_only
def compare_rounds(round_id: int, other_id: int):
    """What changed between an earlier round and a later one."""
    before = db.get_or_404(MatchRound, round_id)
    after = db.get_or_404(MatchRound, other_id)
    try:
        comparison = round_changes.compare_rounds(before, after)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("coordinator.round", round_id=round_id))
    return render_template(
        "coordinator/compare.html", before=before, after=after, comparison=comparison
    )
