"""A coordinator's decisions on proposed pairs: one at a time, or many at once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    MatchRound,
    MatchStatus,
    Mentorship,
    ProposedMatch,
    RoundStatus,
    User,
)
from web.models.base import utcnow
from web.services import audit
from web.services.cohorts import ensure_not_archived

logger = logging.getLogger(__name__)


class StaleDecision(DomainError):
    """The pair belongs to an older round, or was already decided."""


def latest_succeeded_round(cohort_id: int) -> MatchRound | None:
    """The cohort's newest round that finished with proposals: the only one open to decisions."""
    return db.session.scalars(
        select(MatchRound)
        .where(MatchRound.cohort_id == cohort_id, MatchRound.status == RoundStatus.SUCCEEDED)
        .order_by(MatchRound.id.desc())
        .limit(1)
    ).first()


def cohort_round_statuses(cohort_id: int) -> list:
    """(id, status) of every round of the cohort, newest first."""
    return list(
        db.session.execute(
            select(MatchRound.id, MatchRound.status)
            .where(MatchRound.cohort_id == cohort_id)
            .order_by(MatchRound.id.desc())
        )
    )


def latest_succeeded_id(round_statuses: list) -> int | None:
    """The id of the round open to decisions among a cohort's (id, status), newest first."""
    return next((r.id for r in round_statuses if r.status == RoundStatus.SUCCEEDED), None)


def _check_open(match: ProposedMatch, user: User | None = None) -> None:
    ensure_not_archived(match.round.cohort, user, "decide on a pair")
    latest = latest_succeeded_round(match.round.cohort_id)
    if latest is None or latest.id != match.round_id:
        raise StaleDecision(
            f"Round {match.round_id} is no longer the cohort's latest round. "
            "Decide on the pairs of the latest round instead."
        )


def _check_undecided(match: ProposedMatch) -> None:
    if match.status != MatchStatus.PROPOSED:
        who = f" by {match.decided_by.name}" if match.decided_by else ""
        raise StaleDecision(
            f"The pair of {match.apprentice.display_name} and {match.mentor.user.name} "
            f"was already {match.status}{who}. Nothing was changed."
        )


def _published(match: ProposedMatch) -> bool:
    return bool(db.session.scalar(select(Mentorship.id).where(Mentorship.match_id == match.id)))


def _hold(match: ProposedMatch) -> None:
    """Take turns with other decisions on the round's pairs, then see the pair as it is now.

    Two clicks sent at once would both find the pair undecided and both write it down;
    holding the round's row makes the second wait for the first to commit.
    """
    db.session.refresh(match.round, with_for_update=True)
    db.session.refresh(match)


def approve_match(match: ProposedMatch, user: User) -> None:
    """Approve a proposed pair of the latest round; its apprentice becomes approved."""
    _hold(match)
    _check_open(match, user)
    _check_undecided(match)
    _approve(match, user)
    audit.record(user, "match.approved", match, score=match.score, round_id=match.round_id)


def _approve(match: ProposedMatch, user: User) -> None:
    match.status = MatchStatus.APPROVED
    match.decided_by = user
    match.decided_at = utcnow()
    match.decision_reason = ""
    match.apprentice.status = ApprenticeStatus.APPROVED


def reject_match(match: ProposedMatch, user: User, reason: str) -> None:
    """Reject a pair (proposed, or approved but not yet published) so no round proposes it again."""
    _hold(match)
    _check_open(match, user)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why you reject this pair.")
    if match.status == MatchStatus.REJECTED:
        _check_undecided(match)
    if _published(match):
        raise StaleDecision("This pair was already published. End the mentorship instead.")
    match.status = MatchStatus.REJECTED
    match.locked = False  # a rejected pair can never be kept by a lock
    match.decided_by = user
    match.decided_at = utcnow()
    match.decision_reason = reason
    match.apprentice.status = ApprenticeStatus.REGISTERED
    audit.record(user, "match.rejected", match, reason=reason, round_id=match.round_id)


def toggle_lock(match: ProposedMatch, user: User) -> bool:
    """Lock a pair so the next round keeps it, or unlock it; returns the new state."""
    _hold(match)
    _check_open(match, user)
    if match.status == MatchStatus.REJECTED:
        raise StaleDecision("A rejected pair cannot be locked.")
    match.locked = not match.locked
    action = "match.locked" if match.locked else "match.unlocked"
    audit.record(user, action, match, round_id=match.round_id)
    return match.locked


@dataclass(frozen=True)
class BulkOutcome:
    """How many pairs a bulk approval approves, and how many it leaves as they were."""

    approved: int
    skipped: int


def _bulk_choice(match_round: MatchRound, ids: set[int], min_score: float | None):
    """SQL: the round's pairs a bulk approval is about (the ids, or those scoring enough)."""
    if not ids and min_score is None:
        raise DomainError("Select pairs to approve, or give a minimum score.")
    chosen = ProposedMatch.id.in_(ids) if ids else ProposedMatch.score >= min_score - 1e-9
    return (ProposedMatch.round_id == match_round.id) & chosen


def preview_approval(
    match_round: MatchRound, match_ids: Iterable[int] = (), min_score: float | None = None
) -> BulkOutcome:
    """How many pairs `approve_many` would approve now, and how many it would leave (one query)."""
    where = _bulk_choice(match_round, set(match_ids), min_score)
    proposed = func.count().filter(ProposedMatch.status == MatchStatus.PROPOSED)
    todo, chosen = db.session.execute(select(proposed, func.count()).where(where)).one()
    return BulkOutcome(approved=todo, skipped=chosen - todo)


def approve_many(
    match_round: MatchRound,
    user: User,
    match_ids: Iterable[int] = (),
    min_score: float | None = None,
) -> BulkOutcome:
    """Approve the chosen pairs, or every proposed pair scoring at least `min_score`.

    A few statements whatever the number of pairs: the pairs and their apprentices are
    updated in bulk, and one audit event lists the pairs approved.
    """
    ensure_not_archived(match_round.cohort, user, "approve pairs")
    where = _bulk_choice(match_round, set(match_ids), min_score)
    db.session.refresh(match_round, with_for_update=True)  # as _hold: one decision at a time
    latest = latest_succeeded_round(match_round.cohort_id)
    if latest is None or latest.id != match_round.id:
        raise StaleDecision("This is not the cohort's latest round. Open the latest round.")
    rows = db.session.execute(select(ProposedMatch.id, ProposedMatch.status).where(where)).all()
    todo = [match_id for match_id, status in rows if status == MatchStatus.PROPOSED]
    if todo:
        _approve_in_bulk(todo, user)
        audit.record(user, "match.bulk_approved", match_round, match_ids=todo, min_score=min_score)
    return BulkOutcome(approved=len(todo), skipped=len(rows) - len(todo))


def _approve_in_bulk(match_ids: list[int], user: User) -> None:
    """Approve the pairs `match_ids` and their apprentices: two UPDATE statements."""
    db.session.execute(
        update(ProposedMatch)
        .where(ProposedMatch.id.in_(match_ids))
        .values(
            status=MatchStatus.APPROVED,
            decided_by_id=user.id,
            decided_at=utcnow(),
            decision_reason="",
        )
    )
    apprentices = select(ProposedMatch.apprentice_id).where(ProposedMatch.id.in_(match_ids))
    db.session.execute(
        update(ApprenticeProfile)
        .where(ApprenticeProfile.id.in_(apprentices))
        .values(status=ApprenticeStatus.APPROVED)
    )
