"""Publishing a round: approved pairs become mentorships, and everyone is told once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.database import enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    MatchRound,
    MatchStatus,
    Mentorship,
    MentorshipStatus,
    ProposedMatch,
    RoundStatus,
    User,
)
from web.models.base import utcnow
from web.services import audit
from web.services.cohorts import ensure_not_archived

NOTIFY_TASK = "workers.tasks.send_round_notifications"
LIVE = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)
_NOT_YET_PAIRED = (ApprenticeStatus.REGISTERED, ApprenticeStatus.PROPOSED)


class NothingToPublish(DomainError):
    """The round has no approved pair."""


@dataclass(frozen=True)
class PublishResult:
    """What one publish did: new mentorships, and approved pairs already published."""

    created: int
    already_published: int
    skipped_busy: int


def publish_round(match_round: MatchRound, actor: User) -> PublishResult:
    """Turn every approved pair without a mentorship into one; emails follow after commit."""
    ensure_not_archived(match_round.cohort, actor, "publish a round")
    # A second publish sent at once waits here for the first to commit, then finds its
    # mentorships and creates none, instead of failing on the unique match_id.
    db.session.refresh(match_round, with_for_update=True)
    if match_round.status != RoundStatus.SUCCEEDED:
        raise DomainError("Only a finished round can be published. Wait for it to succeed.")
    approved = db.session.scalars(
        select(ProposedMatch)
        .where(
            ProposedMatch.round_id == match_round.id,
            ProposedMatch.status == MatchStatus.APPROVED,
        )
        .options(selectinload(ProposedMatch.apprentice))
    ).all()
    if not approved:
        raise NothingToPublish("Approve at least one pair before publishing this round.")
    published = set(
        db.session.scalars(
            select(Mentorship.match_id).where(Mentorship.match_id.in_([m.id for m in approved]))
        )
    )
    busy = _apprentices_with_live_mentorship([m.apprentice_id for m in approved])
    fresh = [m for m in approved if m.id not in published and m.apprentice_id not in busy]
    for match in fresh:
        _create_mentorship(match)
    match_round.published_at = utcnow()
    result = PublishResult(
        created=len(fresh),
        already_published=len(published),
        skipped_busy=len(approved) - len(fresh) - len(published),
    )
    db.session.flush()
    audit.record(actor, "round.published", match_round, **result.__dict__)
    enqueue_after_commit(NOTIFY_TASK, match_round.id, about=match_round)
    return result


def send_waiting_emails(match_round: MatchRound, actor: User) -> None:
    """Queue the round's emails again; only those not sent yet go out (after the commit)."""
    if match_round.published_at is None:
        raise DomainError("This round has not been published, so it has no emails to send.")
    audit.record(actor, "round.emails_requested", match_round)
    enqueue_after_commit(NOTIFY_TASK, match_round.id, about=match_round)


def _apprentices_with_live_mentorship(apprentice_ids: list[int]) -> set[int]:
    """Apprentices already paired by an earlier round's published mentorship."""
    rows = db.session.scalars(
        select(Mentorship.apprentice_id).where(
            Mentorship.apprentice_id.in_(apprentice_ids), Mentorship.status.in_(LIVE)
        )
    )
    return set(rows)


def _create_mentorship(match: ProposedMatch) -> None:
    db.session.add(
        Mentorship(
            match_id=match.id,
            apprentice_id=match.apprentice_id,
            mentor_id=match.mentor_id,
            status=MentorshipStatus.AWAITING_MENTOR,
        )
    )
    if match.apprentice.status in _NOT_YET_PAIRED:
        match.apprentice.status = ApprenticeStatus.APPROVED
