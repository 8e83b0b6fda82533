"""Coordinator pages for publishing a round and watching the mentorships that follow."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from web.access import program_admin_required, role_required
from web.coordinator import bp
from web.coordinator.ending_forms import EndMentorshipForm
from web.coordinator.intake_forms import MentorshipFilterForm, SendEmailsForm, cohort_choices
from web.database import commits, enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    Cohort,
    MatchRound,
    MentorProfile,
    Mentorship,
    MentorshipOutcome,
    ProposedMatch,
    Role,
)
from web.services import mentorships as mentorship_rules
from web.services import monitoring, notifications, publishing, round_email_progress
from web.services.paging import page_number, paginate

PUBLISHED_PER_PAGE = 100
ENDING_NOTICES_TASK = "workers.year_tasks.send_ending_notices"


@bp.route("/rounds/<int:round_id>/publish", methods=["POST"])
@program_admin_required
@commits
def publish_round(round_id: int):
    """Publish a round's approved pairs; the emails go out once this commits."""
    match_round = db.get_or_404(MatchRound, round_id)
    try:
        result = publishing.publish_round(match_round, current_user)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(_round_page(round_id))
    message = f"Published {result.created} new pair{'s' if result.created != 1 else ''}."
    if result.already_published:
        message += f" {result.already_published} were already published and are not sent again."
    if result.skipped_busy:
        message += f" {result.skipped_busy} apprentice(s) already have a running mentorship."
    if result.held_for_a_minor:
        message += (
            f" {result.held_for_a_minor} pair(s) with an apprentice under 18 wait: the guardian "
            "has not consented or the mentor's background check is not valid."
        )
    if result.skipped_rejected_later:
        message += (
            f" {result.skipped_rejected_later} pair(s) were rejected in a later round and are "
            "never published."
        )
    flash(message, "success")
    return redirect(url_for("coordinator.round_published", round_id=round_id))


@bp.route("/rounds/<int:round_id>/published")
@role_required(Role.COORDINATOR)
def round_published(round_id: int):
    """What publishing a round created, and which emails have gone out."""
    match_round = db.get_or_404(MatchRound, round_id)
    mentorships = paginate(
        select(Mentorship)
        .join(ProposedMatch, Mentorship.match_id == ProposedMatch.id)
        .where(ProposedMatch.round_id == round_id)
        .order_by(Mentorship.id)
        # The page names both people of each pair, and the apprentice's partner.
        .options(
            joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.user),
            joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.partner),
            joinedload(Mentorship.apprentice).lazyload(ApprenticeProfile.skills),
            joinedload(Mentorship.mentor).lazyload(MentorProfile.skills),
        ),
        page_number(request.args.get("page")),
        PUBLISHED_PER_PAGE,
    )
    return render_template(
        "coordinator/program_published.html",
        match_round=match_round,
        mentorships=mentorships,
        emails=round_email_progress.email_progress(round_id),
        send_form=SendEmailsForm(formdata=None),
        delivery=notifications.delivery_description(),
        round_url=_round_page(round_id),
    )


@bp.route("/rounds/<int:round_id>/published/send", methods=["POST"])
@program_admin_required
@commits
def send_waiting_emails(round_id: int):
    """Queue a published round's waiting emails again (after a mail server or queue outage)."""
    match_round = db.get_or_404(MatchRound, round_id)
    if not SendEmailsForm().validate_on_submit():
        flash("This form expired. Try again.", "error")
    else:
        try:
            publishing.send_waiting_emails(match_round, current_user)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash("The waiting emails are queued to go out again.", "success")
    return redirect(url_for("coordinator.round_published", round_id=round_id))


@bp.route("/rounds/<int:round_id>/published/progress.json")
@role_required(Role.COORDINATOR)
def email_progress(round_id: int):
    """How many of a published round's emails went out, for the progress script."""
    db.get_or_404(MatchRound, round_id)
    emails = round_email_progress.email_progress(round_id)
    waiting = sum(emails.waiting.values())
    return jsonify(
        status="running" if waiting else "succeeded",
        progress=round(emails.fraction, 3),
        message=f"{sum(emails.sent.values())} sent, {waiting} waiting",
    )


@bp.route("/mentorships")
@role_required(Role.COORDINATOR)
def mentorships():
    """Running and awaiting mentorships, with the ones that need attention flagged."""
    form = MentorshipFilterForm(request.args)
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.name))
    form.cohort.choices = cohort_choices(cohorts, "All cohorts")
    cohort_id = form.cohort.data if form.validate() else 0
    watched = monitoring.watch_page(
        page_number(request.args.get("page")),
        cohort_id=cohort_id or None,
        flagged_only=bool(form.flagged.data),
    )
    return render_template("coordinator/program_mentorships.html", form=form, watched=watched)


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["GET", "POST"])
@program_admin_required
@commits
def end_mentorship(mentorship_id: int):
    """End a mentorship saying how (completed, ended early, declined) and why."""
    mentorship = db.get_or_404(Mentorship, mentorship_id)
    form = EndMentorshipForm()
    live = mentorship.status in publishing.LIVE
    if not live and form.is_submitted():
        message = mentorship_rules.ended_message(mentorship)
        flash(mentorship_rules.refuse_ending(mentorship, current_user, message), "error")
        return redirect(url_for("coordinator.mentorships"))
    if live and form.validate_on_submit():
        outcome = MentorshipOutcome(form.outcome.data)
        try:
            mentorship_rules.end_mentorship(
                mentorship,
                outcome,
                form.reason.data or "",
                current_user,
                back_to_pool=form.back_to_pool.data,
            )
        except DomainError as error:
            flash(str(error), "error")
            return redirect(url_for("coordinator.mentorships"))
        if outcome != MentorshipOutcome.DECLINED:
            enqueue_after_commit(ENDING_NOTICES_TASK, mentorship.id)
        flash(_ended_flash(mentorship, outcome, form.back_to_pool.data), "success")
        return redirect(url_for("coordinator.mentorships"))
    return render_template(
        "coordinator/program_end.html",
        mentorship=mentorship,
        form=form,
        ended_message="" if live else mentorship_rules.ended_message(mentorship),
    ), 400 if form.is_submitted() else 200


def _ended_flash(mentorship: Mentorship, outcome: MentorshipOutcome, back_to_pool: bool) -> str:
    name = mentorship.apprentice.display_name
    if outcome == MentorshipOutcome.COMPLETED:
        return f"The mentorship is recorded as completed. {name} has completed the program."
    if back_to_pool:
        return f"The mentorship ended. {name} will be matched again in the next round."
    return f"The mentorship ended. {name} is not put forward to the next round."


def _round_page(round_id: int) -> str:
    return url_for("coordinator.round", round_id=round_id)
