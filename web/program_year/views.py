"""A pair's year page: meetings logged and proposed, goals agreed and signed off."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import role_required
from web.database import commits, enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.models import Goal, Mentorship, Role
from web.program_year import bp
from web.program_year.forms import ActionForm, GoalForm, LogMeetingForm, ProposeMeetingForm
from web.services import goals, meetings, pairs
from web.services.meetings import MeetingRefused

PAIR_ROLES = (Role.APPRENTICE, Role.MENTOR)


@bp.route("/pair/<int:mentorship_id>")
@role_required(*PAIR_ROLES)
def pair(mentorship_id: int) -> str:
    """Meetings and goals of one mentorship, for either side."""
    mentorship = _my_pair(mentorship_id)
    pair_goals = goals.goals_of(mentorship)
    return render_template(
        "program_year/pair.html",
        mentorship=mentorship,
        side=pairs.side_of(mentorship, current_user),
        live=mentorship.status in pairs.LIVE,
        meetings=meetings.meetings_of(mentorship),
        goals=pair_goals,
        progress=goals.progress(pair_goals),
        skill_labels=goals.skill_labels,
        max_goals=goals.MAX_GOALS,
        action_form=ActionForm(),
        local_time=meetings.local_time,
    )


@bp.route("/pair/<int:mentorship_id>/meetings/log", methods=["GET", "POST"])
@role_required(*PAIR_ROLES)
@commits
def log_meeting(mentorship_id: int) -> str | Response:
    """Log a meeting the pair has held."""
    mentorship = _my_live_pair(mentorship_id)
    form = LogMeetingForm()
    if form.validate_on_submit():
        try:
            meetings.log_meeting(
                mentorship,
                current_user,
                form.held_on.data,
                form.minutes.data,
                form.topic.data,
                today=today_in_city(),
            )
        except MeetingRefused as error:
            _field_error(form, error)
        else:
            flash(
                _("Your meeting of %(day)s is logged.", day=format_date(form.held_on.data, "long")),
                "success",
            )
            return redirect(url_for("program_year.pair", mentorship_id=mentorship.id))
    return render_template("program_year/log_meeting.html", form=form, mentorship=mentorship)


@bp.route("/pair/<int:mentorship_id>/meetings/propose", methods=["GET", "POST"])
@role_required(*PAIR_ROLES)
@commits
def propose_meeting(mentorship_id: int) -> str | Response:
    """Propose a meeting; the other side gets an email with a calendar invitation."""
    mentorship = _my_live_pair(mentorship_id)
    form = ProposeMeetingForm()
    if form.validate_on_submit():
        starts = datetime.combine(form.starts_on.data, form.starts_at.data)
        try:
            meeting = meetings.propose_meeting(
                mentorship,
                current_user,
                starts,
                form.minutes.data,
                form.topic.data,
                form.place.data or "",
            )
        except MeetingRefused as error:
            _field_error(form, error)
        else:
            enqueue_after_commit("workers.year_tasks.send_meeting_invitation", meeting.id)
            other = pairs.other_side(mentorship, current_user)
            flash(_("Your invitation is on its way to %(name)s.", name=other.name), "success")
            return redirect(url_for("program_year.pair", mentorship_id=mentorship.id))
    return render_template("program_year/propose_meeting.html", form=form, mentorship=mentorship)


@bp.route("/pair/<int:mentorship_id>/goals/new", methods=["GET", "POST"])
@role_required(*PAIR_ROLES)
@commits
def new_goal(mentorship_id: int) -> str | Response:
    """Propose a goal tied to skills of the taxonomy."""
    mentorship = _my_live_pair(mentorship_id)
    form = GoalForm()
    form.skills.choices = goals.skill_choices()
    if form.validate_on_submit():
        try:
            goals.propose_goal(mentorship, current_user, form.title.data, form.skills.data)
        except DomainError as error:
            form.title.errors.append(str(error))
        else:
            flash(_("Your goal is added. It counts once the other side agrees to it."), "success")
            return redirect(url_for("program_year.pair", mentorship_id=mentorship.id))
    return render_template(
        "program_year/new_goal.html", form=form, mentorship=mentorship, max_goals=goals.MAX_GOALS
    )


@bp.post("/pair/<int:mentorship_id>/goals/<int:goal_id>/agree")
@role_required(*PAIR_ROLES)
@commits
def agree_goal(mentorship_id: int, goal_id: int) -> Response:
    """Agree to a goal the other side proposed."""
    goal = _my_goal(mentorship_id, goal_id)
    _goal_action(goals.agree_goal, goal, _("You agreed to the goal “%(goal)s”.", goal=goal.title))
    return redirect(url_for("program_year.pair", mentorship_id=mentorship_id))


@bp.post("/pair/<int:mentorship_id>/goals/<int:goal_id>/met")
@role_required(Role.MENTOR)
@commits
def sign_off_goal(mentorship_id: int, goal_id: int) -> Response:
    """The mentor signs off a goal as met."""
    goal = _my_goal(mentorship_id, goal_id)
    _goal_action(goals.sign_off_goal, goal, _("You signed off “%(goal)s” as met.", goal=goal.title))
    return redirect(url_for("program_year.pair", mentorship_id=mentorship_id))


def _goal_action(action, goal: Goal, done: str) -> None:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(goal, current_user)
    except DomainError as error:
        flash(str(error), "warning")
    else:
        flash(done, "success")


def _my_pair(mentorship_id: int) -> Mentorship:
    """A mentorship the signed-in user is part of; anyone else's is a 404."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None:
        abort(404)
    try:
        pairs.side_of(mentorship, current_user)
    except pairs.NotInThisPair:
        abort(404)
    return mentorship


def _my_live_pair(mentorship_id: int) -> Mentorship:
    mentorship = _my_pair(mentorship_id)
    if mentorship.status not in pairs.LIVE:
        flash(_("This mentorship is no longer running, so nothing can be added to it."), "info")
        abort(redirect(url_for("program_year.pair", mentorship_id=mentorship.id)))
    return mentorship


def _my_goal(mentorship_id: int, goal_id: int) -> Goal:
    mentorship = _my_pair(mentorship_id)
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.mentorship_id != mentorship.id:
        abort(404)
    return goal


def _field_error(form, error: MeetingRefused) -> None:
    field = getattr(form, error.field, None) if error.field else None
    (field or form.topic).errors.append(str(error))


def today_in_city() -> date:
    """Today's date in the program's time zone."""
    return datetime.now(meetings.program_timezone()).date()
