"""A coordinator's decisions on proposed pairs, and what changed between two rounds."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
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
    """How many pairs a bulk approval approved, and how many it left as they were."""

    approved: int
    skipped: int


def approve_many(
    match_round: MatchRound,
    user: User,
    match_ids: Iterable[int] = (),
    min_score: float | None = None,
) -> BulkOutcome:
    """Approve the chosen pairs, or every proposed pair scoring at least `min_score`."""
    ensure_not_archived(match_round.cohort, user, "approve pairs")
    ids = set(match_ids)
    if not ids and min_score is None:
        raise DomainError("Select pairs to approve, or give a minimum score.")
    db.session.refresh(match_round, with_for_update=True)  # as _hold: one decision at a time
    latest = latest_succeeded_round(match_round.cohort_id)
    if latest is None or latest.id != match_round.id:
        raise StaleDecision("This is not the cohort's latest round. Open the latest round.")
    chosen = [
        m
        for m in match_round.matches
        if (m.id in ids) or (not ids and min_score is not None and m.score >= min_score - 1e-9)
    ]
    todo = [m for m in chosen if m.status == MatchStatus.PROPOSED]
    for match in todo:
        _approve(match, user)
    if todo:
        audit.record(
            user,
            "match.bulk_approved",
            match_round,
            match_ids=[m.id for m in todo],
            min_score=min_score,
        )
    return BulkOutcome(approved=len(todo), skipped=len(chosen) - len(todo))


@dataclass(frozen=True)
class Change:
    """One apprentice whose outcome differs between two rounds."""

    apprentice: str
    partner: str
    before: str
    after: str
    before_score: float | None
    after_score: float | None


@dataclass(frozen=True)
class Totals:
    """A round's headline numbers."""

    matched: int
    unmatched: int
    total_score: float

    @property
    def mean_score(self) -> float:
        """Mean score of the matched pairs (0 when none)."""
        return self.total_score / self.matched if self.matched else 0.0


@dataclass(frozen=True)
class Comparison:
    """What changed from one round to another of the same cohort."""

    before: Totals
    after: Totals
    changed_mentor: list[Change]
    newly_matched: list[Change]
    newly_unmatched: list[Change]


def _totals(match_round: MatchRound) -> Totals:
    """Every apprentice of the round counts once: in a kept pair, or without a mentor."""
    kept = [m for m in match_round.matches if m.status != MatchStatus.REJECTED]
    rejected = len(match_round.matches) - len(kept)
    return Totals(
        matched=len(kept),
        unmatched=len(match_round.unmatched) + rejected,
        total_score=sum(m.score for m in kept),
    )


def _pairs_by_apprentice(match_round: MatchRound) -> dict[int, ProposedMatch]:
    return {m.apprentice_id: m for m in match_round.matches if m.status != MatchStatus.REJECTED}


def compare_rounds(before: MatchRound, after: MatchRound) -> Comparison:
    """Who changed mentor, who became matched or unmatched, and the totals of both rounds."""
    if before.cohort_id != after.cohort_id:
        raise DomainError("Only rounds of the same cohort can be compared.")
    old, new = _pairs_by_apprentice(before), _pairs_by_apprentice(after)
    changed, gained, lost = [], [], []
    for apprentice_id in sorted(set(old) | set(new)):
        a, b = old.get(apprentice_id), new.get(apprentice_id)
        if a and b and a.mentor_id == b.mentor_id:
            continue
        change = _change(a, b)
        (changed if a and b else gained if b else lost).append(change)
    return Comparison(_totals(before), _totals(after), changed, gained, lost)


def _change(a: ProposedMatch | None, b: ProposedMatch | None) -> Change:
    apprentice = (a or b).apprentice
    return Change(
        apprentice=apprentice.display_name,
        partner=apprentice.partner.name,
        before=a.mentor.user.name if a else "No mentor",
        after=b.mentor.user.name if b else "No mentor",
        before_score=a.score if a else None,
        after_score=b.score if b else None,
    )
