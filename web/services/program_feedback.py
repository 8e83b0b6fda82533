"""What coordinators read of the program year: survey answers, flags, and each pair's check-ins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    CheckIn,
    Goal,
    MentorProfile,
    Mentorship,
    PairFlag,
    Survey,
    User,
)
from web.models.base import utcnow
from web.services import audit, monitoring
from web.services.goals import GoalProgress, progress
from web.services.paging import Page, paginate

ANSWERS_PER_PAGE = FLAGS_PER_PAGE = 50
SURVEY_KINDS = ("pulse", "end_of_year")


class FlagAlreadyResolved(DomainError):
    """The flag was resolved before, by someone else or in another tab."""


def _pair_loaded(via=None):
    """Both people of the pair, the apprentice's partner and cohort, loaded with the rows.

    `via` is the loader of the mentorship from the rows (None when they are mentorships).
    """
    apprentice = via.joinedload(Mentorship.apprentice) if via else joinedload(Mentorship.apprentice)
    mentor = via.joinedload(Mentorship.mentor) if via else joinedload(Mentorship.mentor)
    return (
        apprentice.joinedload(ApprenticeProfile.user),
        apprentice.joinedload(ApprenticeProfile.partner),
        apprentice.joinedload(ApprenticeProfile.cohort),
        apprentice.lazyload(ApprenticeProfile.skills),
        mentor.lazyload(MentorProfile.skills),
    )


def answers_page(
    number: int, *, cohort_id: int | None = None, kind: str = "", with_comment: bool = False
) -> Page:
    """Answered surveys, newest first, a page at a time, optionally narrowed."""
    query = (
        select(Survey)
        .join(Mentorship, Survey.mentorship_id == Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(Survey.answered_at.is_not(None))
        .order_by(Survey.answered_at.desc(), Survey.id.desc())
        .options(joinedload(Survey.respondent), *_pair_loaded(joinedload(Survey.mentorship)))
    )
    if cohort_id:
        query = query.where(ApprenticeProfile.cohort_id == cohort_id)
    if kind in SURVEY_KINDS:
        query = query.where(Survey.kind == kind)
    if with_comment:
        query = query.where(Survey.comment != "")
    return paginate(query, number, ANSWERS_PER_PAGE)


def open_flags_page(number: int) -> Page:
    """Flags no coordinator has resolved yet, oldest first."""
    query = (
        select(PairFlag)
        .where(PairFlag.resolved_at.is_(None))
        .order_by(PairFlag.raised_on, PairFlag.id)
        .options(*_pair_loaded(joinedload(PairFlag.mentorship)))
    )
    return paginate(query, number, FLAGS_PER_PAGE)


def resolve_flag(flag: PairFlag, coordinator: User, note: str) -> None:
    """Close a flag, saying what was done; the pair's page keeps it with the note."""
    if flag.resolved_at is not None:
        raise FlagAlreadyResolved("This flag was already resolved.")
    flag.resolved_at = utcnow()
    flag.resolved_by_id = coordinator.id
    flag.resolution = " ".join(note.split())[:1000]
    audit.record(coordinator, "pair.flag_resolved", flag.mentorship, kind=flag.kind)
    db.session.flush()


@dataclass(frozen=True)
class MentorshipReview:
    """One pair as the program team sees it: check-ins with notes, flags, goals, surveys."""

    mentorship: Mentorship
    check_ins: list[CheckIn]
    flags: list[PairFlag]
    attention: list[str]
    goals: GoalProgress
    surveys: list[Survey]


def mentorship_review(mentorship_id: int) -> MentorshipReview | None:
    """Everything the coordinator reads about one pair; None if there is no such pair."""
    mentorship = db.session.scalar(
        select(Mentorship).where(Mentorship.id == mentorship_id).options(*_pair_loaded())
    )
    if mentorship is None:
        return None
    check_ins = list(
        db.session.scalars(
            select(CheckIn)
            .where(CheckIn.mentorship_id == mentorship.id)
            .order_by(CheckIn.month.desc(), CheckIn.author_role)
            .options(joinedload(CheckIn.author))
        )
    )
    flags = list(
        db.session.scalars(
            select(PairFlag)
            .where(PairFlag.mentorship_id == mentorship.id)
            .order_by(PairFlag.raised_on.desc(), PairFlag.id.desc())
            .options(joinedload(PairFlag.resolved_by))
        )
    )
    goals = list(db.session.scalars(select(Goal).where(Goal.mentorship_id == mentorship.id)))
    surveys = list(
        db.session.scalars(
            select(Survey)
            .where(Survey.mentorship_id == mentorship.id, Survey.answered_at.is_not(None))
            .order_by(Survey.answered_at)
            .options(selectinload(Survey.respondent))
        )
    )
    attention = monitoring.flags_for(mentorship, utcnow())
    return MentorshipReview(mentorship, check_ins, flags, attention, progress(goals), surveys)
