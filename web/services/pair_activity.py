"""What the reminder jobs need to know about running pairs: who, when they last met."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import (
    ApprenticeProfile,
    CheckIn,
    Meeting,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    User,
)
from web.services.meetings import local_time


def mentorships_in(status: MentorshipStatus) -> list[Mentorship]:
    """Every mentorship in `status`, with both people loaded."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.status == status)
            .order_by(Mentorship.id)
            .options(
                selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.user),
                selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.cohort),
                selectinload(Mentorship.mentor).selectinload(MentorProfile.user),
            )
        )
    )


def people_of(mentorship: Mentorship) -> list[User]:
    """The mentor and the apprentice, leaving out an apprentice who withdrew."""
    people = [mentorship.mentor.user]
    if mentorship.apprentice.user is not None:
        people.append(mentorship.apprentice.user)
    return people


def published_on(mentorship: Mentorship) -> date:
    """The city date the pair was published."""
    return local_time(mentorship.published_at).date()


def last_activity(mentorships: list[Mentorship], today: date) -> dict[int, date]:
    """Per mentorship, the latest of: confirmation, a check-in, a meeting held by `today`."""
    ids = [m.id for m in mentorships]
    latest = {m.id: local_time(m.responded_at or m.published_at).date() for m in mentorships}
    check_ins = db.session.execute(
        select(CheckIn.mentorship_id, func.max(CheckIn.created_at))
        .where(CheckIn.mentorship_id.in_(ids))
        .group_by(CheckIn.mentorship_id)
    )
    for mentorship_id, when in check_ins:
        latest[mentorship_id] = max(latest[mentorship_id], local_time(when).date())
    held = db.session.execute(
        select(Meeting.mentorship_id, func.max(Meeting.held_on))
        .where(Meeting.mentorship_id.in_(ids), Meeting.held_on <= today)
        .group_by(Meeting.mentorship_id)
    )
    for mentorship_id, held_on in held:
        latest[mentorship_id] = max(latest[mentorship_id], held_on)
    return latest


def checked_in_this_month(mentorships: list[Mentorship], month: str) -> set[tuple[int, int]]:
    """(mentorship id, author id) of every check-in for `month`."""
    rows = db.session.execute(
        select(CheckIn.mentorship_id, CheckIn.author_id).where(
            CheckIn.mentorship_id.in_([m.id for m in mentorships]), CheckIn.month == month
        )
    )
    return {(mentorship_id, author_id) for mentorship_id, author_id in rows}
