"""Goals of a pair: up to five, agreed by both sides, tied to skills, signed off by the mentor."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from web.catalog import shown
from web.errors_domain import DomainError
from web.extensions import db
from web.models import Goal, Mentorship, Role, Skill, User
from web.models.base import utcnow
from web.models.program_year import MAX_GOALS
from web.services import audit, pairs

logger = logging.getLogger(__name__)


class GoalRefused(DomainError):
    """A goal cannot be added, agreed or signed off as asked."""


@dataclass(frozen=True)
class GoalProgress:
    """How far the pair is with its goals."""

    total: int
    agreed: int
    met: int

    def summary(self) -> str:
        """'2 of 3 agreed goals met', or a line saying there are none yet."""
        if not self.agreed:
            return _("No agreed goals yet.")
        return ngettext(
            "%(met)d of %(num)d agreed goal met",
            "%(met)d of %(num)d agreed goals met",
            self.agreed,
            met=self.met,
        )


def goals_of(mentorship: Mentorship) -> list[Goal]:
    """The pair's goals in the order they were proposed."""
    return list(
        db.session.scalars(
            select(Goal).where(Goal.mentorship_id == mentorship.id).order_by(Goal.id)
        )
    )


def progress(goals: list[Goal]) -> GoalProgress:
    """Counts of the goals: all, agreed by both sides, met."""
    agreed = [g for g in goals if g.agreed_at]
    return GoalProgress(len(goals), len(agreed), sum(1 for g in agreed if g.met_at))


def skill_choices() -> list[tuple[int, str]]:
    """Every skill of the taxonomy as (id, label), grouped by category."""
    skills = db.session.scalars(select(Skill).order_by(Skill.category, Skill.label))
    return [(skill.id, f"{shown(skill.label)} ({shown(skill.category)})") for skill in skills]


def skill_labels(goal: Goal) -> list[str]:
    """Labels of the skills `goal` is tied to."""
    if not goal.skill_ids:
        return []
    skills = db.session.scalars(select(Skill).where(Skill.id.in_(goal.skill_ids)))
    return sorted(shown(skill.label) for skill in skills)


def propose_goal(mentorship: Mentorship, author: User, title: str, skill_ids: list[int]) -> Goal:
    """Add a goal; it counts once the other side agrees."""
    pairs.side_of(mentorship, author)
    pairs.require_live(mentorship)
    if len(goals_of(mentorship)) >= MAX_GOALS:
        raise GoalRefused(_("A mentorship has at most %(num)d goals.", num=MAX_GOALS))
    title = " ".join(title.split())
    if not title:
        raise GoalRefused(_("Describe the goal."))
    known = set(db.session.scalars(select(Skill.id).where(Skill.id.in_(skill_ids))))
    if not skill_ids or known != set(skill_ids):
        raise GoalRefused(_("Choose skills from the list."))
    goal = Goal(
        mentorship=mentorship, title=title, skill_ids=sorted(known), proposed_by_id=author.id
    )
    db.session.add(goal)
    db.session.flush()
    audit.record(author, "goal.proposed", goal, mentorship_id=mentorship.id)
    return goal


def agree_goal(goal: Goal, user: User) -> None:
    """The side that did not propose the goal agrees to it."""
    pairs.side_of(goal.mentorship, user)
    pairs.require_live(goal.mentorship)
    if goal.agreed_at:
        raise GoalRefused(_("This goal is already agreed."))
    if goal.proposed_by_id == user.id:
        raise GoalRefused(_("The other side of your mentorship needs to agree to this goal."))
    goal.agreed_at = utcnow()
    audit.record(user, "goal.agreed", goal, mentorship_id=goal.mentorship_id)
    db.session.flush()


def sign_off_goal(goal: Goal, user: User) -> None:
    """The mentor signs an agreed goal off as met."""
    if pairs.side_of(goal.mentorship, user) != Role.MENTOR:
        raise GoalRefused(_("Only the mentor can sign off a goal as met."))
    pairs.require_live(goal.mentorship)
    if not goal.agreed_at:
        raise GoalRefused(_("Both of you need to agree to a goal before it can be signed off."))
    if goal.met_at:
        raise GoalRefused(_("This goal is already signed off as met."))
    goal.met_at = utcnow()
    audit.record(user, "goal.met", goal, mentorship_id=goal.mentorship_id)
    db.session.flush()
