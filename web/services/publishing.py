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
from web.services import audit, background_checks
from web.services.cohorts import ensure_not_archived

NOTIFY_TASK = "workers.tasks.send_round_notifications"
LIVE = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)
_NOT_YET_PAIRED = (ApprenticeStatus.REGISTERED, ApprenticeStatus.PROPOSED)


class NothingToPublish(DomainError):
    """The round has no approved pair."""


class NotLatestRound(DomainError):
    """A newer finished round of the cohort exists; only that one can be published."""


@dataclass(frozen=True)
class PublishResult:
    """What one publish did: new mentorships, and approved pairs already published."""

    created: int
    already_published: int
    skipped_busy: int
    skipped_rejected_later: int = 0
    held_for_a_minor: int = 0


def publish_round(match_round: MatchRound, actor: User) -> PublishResult:
    """Turn every approved pair without a mentorship into one; emails follow after commit.

    Only the cohort's latest finished round can be published, and never a pair that a later
    round of the cohort rejected; refusals are audited.
    """
    ensure_not_archived(match_round.cohort, actor, "publish a round")
    # A second publish sent at once waits here for the first to commit, then finds its
    # mentorships and creates none, instead of failing on the unique match_id.
    db.session.refresh(match_round, with_for_update=True)
    if match_round.status != RoundStatus.SUCCEEDED:
        raise DomainError("Only a finished round can be published. Wait for it to succeed.")
    _refuse_unless_latest(match_round, actor)
    approved = db.session.scalars(
        select(ProposedMatch)
        .where(
            ProposedMatch.round_id == match_round.id,
            ProposedMatch.status == MatchStatus.APPROVED,
        )
        .options(selectinload(ProposedMatch.apprentice), selectinload(ProposedMatch.mentor))
    ).all()
    if not approved:
        raise NothingToPublish("Approve at least one pair before publishing this round.")
    published = set(
        db.session.scalars(
            select(Mentorship.match_id).where(Mentorship.match_id.in_([m.id for m in approved]))
        )
    )
    busy = _apprentices_with_live_mentorship([m.apprentice_id for m in approved])
    rejected = rejected_later(match_round)
    waiting = [m for m in approved if m.id not in published]
    allowed = [m for m in waiting if (m.apprentice_id, m.mentor_id) not in rejected]
    safe = [m for m in allowed if safe_for_a_minor(m)]
    fresh = [m for m in safe if m.apprentice_id not in busy]
    for match in fresh:
        _create_mentorship(match)
    match_round.published_at = utcnow()
    result = PublishResult(
        created=len(fresh),
        already_published=len(published),
        skipped_busy=len(safe) - len(fresh),
        skipped_rejected_later=len(waiting) - len(allowed),
        held_for_a_minor=len(allowed) - len(safe),
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


def safe_for_a_minor(match: ProposedMatch) -> bool:
    """False for a minor's pair while the guardian has not consented or the mentor's background
    check does not hold (it may have lapsed since the round ran); such a pair waits."""
    apprentice = match.apprentice
    if not apprentice.is_minor:
        return True
    return apprentice.guardian_consent_at is not None and background_checks.is_valid(match.mentor)


def latest_finished_round(cohort_id: int) -> MatchRound | None:
    """The cohort's most recent round that finished with proposals, the only publishable one."""
    return db.session.scalar(
        select(MatchRound)
        .where(MatchRound.cohort_id == cohort_id, MatchRound.status == RoundStatus.SUCCEEDED)
        .order_by(MatchRound.id.desc())
        .limit(1)
    )


def rejected_later(match_round: MatchRound) -> set[tuple[int, int]]:
    """(apprentice id, mentor id) pairs that a later round of the same cohort rejected."""
    later_rounds = select(MatchRound.id).where(
        MatchRound.cohort_id == match_round.cohort_id, MatchRound.id > match_round.id
    )
    rows = db.session.execute(
        select(ProposedMatch.apprentice_id, ProposedMatch.mentor_id).where(
            ProposedMatch.round_id.in_(later_rounds),
            ProposedMatch.status == MatchStatus.REJECTED,
        )
    )
    return {(apprentice_id, mentor_id) for apprentice_id, mentor_id in rows}


def _refuse_unless_latest(match_round: MatchRound, actor: User) -> None:
    latest = latest_finished_round(match_round.cohort_id)
    if latest is None or latest.id == match_round.id:
        return
    reason = f"round {latest.id} of the cohort is newer"
    audit.record(actor, "round.publish_refused", match_round, reason=reason, latest=latest.id)
    db.session.flush()
    raise NotLatestRound(
        f"Round {match_round.id} cannot be published: round {latest.id} of this cohort is "
        f"newer and its decisions replace this round's. Publish round {latest.id} instead."
    )


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
