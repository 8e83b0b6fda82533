"""Coordinator pages for one matching round: results, progress, re-runs and pair decisions."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from matcher.profiles import COMPONENTS
from web.access import program_admin_required, role_required
from web.coordinator import bp, pair_rows
from web.coordinator.forms import (
    COMPONENT_LABELS,
    OBJECTIVE_CHOICES,
    BulkApproveForm,
    DecisionForm,
    RejectForm,
    RoundFilterForm,
)
from web.coordinator.review_state import encode_back, review_args, review_source, review_url
from web.database import commits
from web.errors_domain import DomainError
from web.extensions import db
from web.kept_html import kept_part
from web.language import current_language
from web.models import MatchRound, ProposedMatch, Role, RoundStatus
from web.profile_fields import options
from web.services import decisions, kept_figures, round_pairs, rounds, worker_health
from web.services.paging import page_number

coordinator_only = role_required(Role.COORDINATOR)


@bp.route("/rounds/<int:round_id>", endpoint="round")
@coordinator_only
def show_round(round_id: int):
    """A round: its progress, or its error, or its proposed pairs to review."""
    return round_page(_round_or_404(round_id))


@bp.route("/rounds/<int:round_id>/unmatched")
@coordinator_only
def round_unmatched(round_id: int):
    """The apprentices a round left without a mentor, and why, a page at a time."""
    return round_page(_round_or_404(round_id), section="unmatched")


@bp.route("/rounds/<int:round_id>/report")
@coordinator_only
def round_report(round_id: int):
    """The quality report of a round: match rates, scores, mentor load, baselines."""
    return round_page(_round_or_404(round_id), section="report")


def _round_or_404(round_id: int) -> MatchRound:
    return rounds.round_with_cohort(round_id) or abort(404)


SECTIONS = {
    "pairs": "coordinator.round",
    "unmatched": "coordinator.round_unmatched",
    "report": "coordinator.round_report",
}


def round_page(match_round: MatchRound, section: str = "pairs", **refused_forms):
    """The round page; `refused_forms` (reject_form and rejecting, or bulk_form) show errors.

    A succeeded round shows one section at a time (its pairs, its unmatched apprentices or
    its report); a round still running or failed has only the first, which says so.
    """
    if section != "pairs" and match_round.status != RoundStatus.SUCCEEDED:
        return redirect(url_for("coordinator.round", round_id=match_round.id))
    context = {
        "match_round": match_round,
        "action_form": DecisionForm(),
        "stale": rounds.is_stale(match_round),
        "stale_minutes": rounds.stale_minutes(),
        "can_change": current_user.is_program_admin and not match_round.cohort.archived,
        "worker_problem": worker_health.round_problem(match_round),
        "section": section,
        "sections": SECTIONS,
    }
    if match_round.status == RoundStatus.SUCCEEDED:
        context |= _summary_context(match_round, context["can_change"])
        context["section_html"] = _section_html(match_round, section, context, refused_forms)
    return render_template("coordinator/round.html", **context, **_parameters_context())


CSRF_PLACEHOLDER = Markup("<!--kept-csrf-token-->")


def _section_html(match_round: MatchRound, section: str, context: dict, refused_forms) -> Markup:
    """The section under the summary, kept until the program changes.

    Kept per view of it (filters, order, page), language and whether the viewer may decide;
    a section showing a refused form is rendered afresh. The section's own reads happen in
    `render`, after the program's version is read, so a kept section is never older than
    its key.
    """
    args = sorted(review_source().items(multi=True))
    version = kept_figures.version_seen()
    key = ("round", match_round.id, section, version, current_language(), context["decidable"])

    def render() -> str:
        counts = context["counts"]
        section_context = SECTION_CONTEXTS[section](match_round, counts) | refused_forms
        return render_template(
            f"coordinator/_round_{section}.html",
            **context | section_context,
            csrf_token=lambda: CSRF_PLACEHOLDER,
        )

    return kept_part(
        (*key, tuple(args)),
        render,
        keep=version is not None and not refused_forms,
        fill={CSRF_PLACEHOLDER: generate_csrf()},
    )


def _parameters_context() -> dict:
    return {
        "objective_labels": dict(OBJECTIVE_CHOICES),
        "component_labels": COMPONENT_LABELS,
        "components": COMPONENTS,
    }


SORTABLE = ("apprentice", "partner", "mentor", "department", "score", "status")
# The columns whose headers sort the table (department sorts through the address only).
SORT_HEADERS = ("apprentice", "partner", "mentor", "score", "status")


def _summary_context(match_round: MatchRound, can_change: bool) -> dict:
    """What every section of a succeeded round shows above it, and the cohort's other rounds."""
    cohort_rounds = decisions.cohort_round_statuses(match_round.cohort_id)
    is_latest = decisions.latest_succeeded_id(cohort_rounds) == match_round.id
    return {
        "counts": round_pairs.round_counts(match_round.id),
        "is_latest": is_latest,
        "decidable": is_latest and can_change,
        "report": match_round.report or {},
        "older_rounds": [r for r in cohort_rounds if r.id != match_round.id],
    }


def _pairs_context(match_round: MatchRound, counts: round_pairs.RoundCounts) -> dict:
    args = review_source()
    filters = RoundFilterForm(args)
    filters.partner.choices = options(
        [("", "All partners")] + [(p, p) for p in round_pairs.partner_names()]
    )
    valid = filters.validate()
    sort = args.get("sort", "score")
    sort = sort if sort in SORTABLE else "score"
    descending = args.get("dir", "desc" if sort == "score" else "asc") == "desc"
    query = round_pairs.PairQuery(sort=sort, descending=descending)
    if valid:
        query = round_pairs.PairQuery(
            partner=filters.partner.data or "",
            pathway=filters.pathway.data or "",
            min_score=filters.min_score.data,
            status=filters.status.data or "",
            sort=sort,
            descending=descending,
        )
    return {
        "pairs": round_pairs.pairs_page(match_round, query, page_number(args.get("page")), counts),
        "filters": filters,
        "sort": sort,
        "descending": descending,
        "sortable": SORT_HEADERS,
        "review": review_args(args),
        "back": encode_back(args),
        "reject_form": RejectForm(formdata=None),
        "rejecting": None,
        "bulk_form": BulkApproveForm(formdata=None),
        "pair_rows": pair_rows.pair_rows,
    }


def _unmatched_context(match_round: MatchRound, counts: round_pairs.RoundCounts) -> dict:
    number = page_number(request.args.get("page"))
    return {
        "unmatched": round_pairs.unmatched_page(match_round.id, number, counts),
        "back": encode_back({"unmatched_page": str(number)}),
    }


SECTION_CONTEXTS = {
    "pairs": _pairs_context,
    "unmatched": _unmatched_context,
    "report": lambda match_round, counts: {},
}


@bp.route("/rounds/<int:round_id>/progress.json")
@coordinator_only
def round_progress(round_id: int):
    """How far a round has got, for the progress script."""
    match_round = db.get_or_404(MatchRound, round_id)
    problem = worker_health.round_problem(match_round)
    return jsonify(
        status=match_round.status,
        progress=match_round.progress,
        message=problem.message if problem else match_round.progress_message,
        error=match_round.error,
    )


@bp.route("/rounds/<int:round_id>/retry", methods=["POST"])
@program_admin_required
@commits
def retry_round(round_id: int):
    """Queue a failed or stale round again."""
    match_round = db.get_or_404(MatchRound, round_id)
    if DecisionForm().validate_on_submit():
        _try(rounds.retry_round, match_round, current_user, success="Round queued again.")
    return redirect(url_for("coordinator.round", round_id=round_id))


@bp.route("/rounds/<int:round_id>/rerun", methods=["POST"])
@program_admin_required
@commits
def rerun_round(round_id: int):
    """Start a new round of the same cohort with this round's settings."""
    match_round = db.get_or_404(MatchRound, round_id)
    if not DecisionForm().validate_on_submit():
        return redirect(url_for("coordinator.round", round_id=round_id))
    try:
        new_round = rounds.start_round(
            match_round.cohort, dict(match_round.parameters or {}), current_user
        )
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("coordinator.round", round_id=round_id))
    flash(
        f"Round {new_round.id} started with the same settings. "
        "Approved and locked pairs are kept; rejected pairs are not proposed again.",
        "success",
    )
    return redirect(url_for("coordinator.round", round_id=new_round.id))


def _try(action, *args, success: str) -> bool:
    """Run a service call; flash its domain error, or `success`."""
    try:
        action(*args)
    except DomainError as error:
        flash(str(error), "error")
        return False
    flash(success, "success")
    return True


def _back_to(match: ProposedMatch):
    """The review page the form came from, at the pair it acted on."""
    back = request.form.get("back", "")
    return redirect(review_url(match.round_id, back, f"#pair-{match.id}"))


@bp.route("/matches/<int:match_id>/approve", methods=["POST"])
@program_admin_required
@commits
def approve_match(match_id: int):
    """Approve one proposed pair."""
    match = db.get_or_404(ProposedMatch, match_id)
    if DecisionForm().validate_on_submit():
        names = f"{match.apprentice.display_name} and {match.mentor.user.name}"
        _try(decisions.approve_match, match, current_user, success=f"Approved {names}.")
    return _back_to(match)


@bp.route("/matches/<int:match_id>/reject", methods=["POST"])
@program_admin_required
@commits
def reject_match(match_id: int):
    """Reject one pair, with the reason."""
    match = db.get_or_404(ProposedMatch, match_id)
    form = RejectForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            flash("This form expired. Try again.", "error")
            return _back_to(match)
        return round_page(match.round, reject_form=form, rejecting=match.id), 400
    names = f"{match.apprentice.display_name} and {match.mentor.user.name}"
    _try(
        decisions.reject_match,
        match,
        current_user,
        form.reason.data,
        success=f"Rejected {names}. No later round will propose this pair.",
    )
    return _back_to(match)


@bp.route("/matches/<int:match_id>/lock", methods=["POST"])
@program_admin_required
@commits
def lock_match(match_id: int):
    """Lock a pair for the next round, or unlock it."""
    match = db.get_or_404(ProposedMatch, match_id)
    if DecisionForm().validate_on_submit():
        try:
            locked = decisions.toggle_lock(match, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            message = "Pair locked: the next round keeps it." if locked else "Pair unlocked."
            flash(message, "success")
    return _back_to(match)
