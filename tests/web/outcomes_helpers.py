"""Builders for the end-of-year tests: pairs with signed-off goals, and outcome forms."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from web.extensions import db
from web.models import Goal, MatchStatus, Mentorship, Skill

PUBLISHED = datetime(2026, 2, 15, 15, tzinfo=UTC)


def pairs_of(program, count: int, partner=None) -> list[Mentorship]:
    """`count` running pairs of new apprentices (partner A unless told) and new mentors."""
    people = [
        (make_apprentice(program, partner), make_mentor(), MatchStatus.APPROVED)
        for _ in range(count)
    ]
    match_round = make_round(program.cohort, people)
    pairs = [publish_pair(match, published_at=PUBLISHED) for match in match_round.matches]
    db.session.commit()
    return pairs


def met_goal(mentorship: Mentorship, *skill_keys: str, met: bool = True) -> Goal:
    """An agreed goal tied to `skill_keys`, signed off as met unless told."""
    ids = [db.session.scalar(select(Skill.id).where(Skill.key == key)) for key in skill_keys]
    goal = Goal(
        mentorship=mentorship,
        title=f"Learn {', '.join(skill_keys)}",
        skill_ids=ids,
        agreed_at=PUBLISHED,
        met_at=PUBLISHED if met else None,
    )
    db.session.add(goal)
    db.session.commit()
    return goal


def hire_form(**overrides) -> dict:
    """The outcome form for a hire as an IT Engineer at DoIT."""
    return {
        "kind": "hired",
        "position": "Department of Innovation and Technology|IT Engineer",
        "occurred_on": "2026-06-30",
        "note": "",
    } | overrides
