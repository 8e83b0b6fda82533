"""What changed between two rounds of a cohort, read in a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    MatchRound,
    MatchStatus,
    MentorProfile,
    PartnerInstitution,
    ProposedMatch,
    UnmatchedApprentice,
)
from web.models.profiles import apprentice_display_name
from web.services.round_pairs import ApprenticeUser, MentorUser


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


@dataclass(frozen=True)
class _Kept:
    """A pair that is not rejected, with the names the comparison shows."""

    mentor_id: int
    score: float
    apprentice: str
    partner: str
    mentor: str


def compare_rounds(before: MatchRound, after: MatchRound) -> Comparison:
    """Who changed mentor, who became matched or unmatched, and the totals of both rounds."""
    if before.cohort_id != after.cohort_id:
        raise DomainError("Only rounds of the same cohort can be compared.")
    old, new = _kept_pairs(before.id), _kept_pairs(after.id)
    changed, gained, lost = [], [], []
    for apprentice_id in sorted(set(old) | set(new)):
        a, b = old.get(apprentice_id), new.get(apprentice_id)
        if a and b and a.mentor_id == b.mentor_id:
            continue
        change = _change(a, b)
        (changed if a and b else gained if b else lost).append(change)
    return Comparison(_totals(before.id, old), _totals(after.id, new), changed, gained, lost)


def _kept_pairs(round_id: int) -> dict[int, _Kept]:
    """Apprentice id -> the round's pair that is not rejected (one statement)."""
    rows = db.session.execute(
        select(
            ProposedMatch.apprentice_id,
            ProposedMatch.mentor_id,
            ProposedMatch.score,
            ApprenticeProfile.status,
            ApprenticeUser.name,
            PartnerInstitution.name,
            MentorUser.name,
        )
        .join(ApprenticeProfile, ProposedMatch.apprentice_id == ApprenticeProfile.id)
        .join(PartnerInstitution, ApprenticeProfile.partner_id == PartnerInstitution.id)
        .outerjoin(ApprenticeUser, ApprenticeProfile.user_id == ApprenticeUser.id)
        .join(MentorProfile, ProposedMatch.mentor_id == MentorProfile.id)
        .join(MentorUser, MentorProfile.user_id == MentorUser.id)
        .where(ProposedMatch.round_id == round_id, ProposedMatch.status != MatchStatus.REJECTED)
    )
    return {
        apprentice_id: _Kept(
            mentor_id, score, apprentice_display_name(apprentice_id, status, name), p, m
        )
        for apprentice_id, mentor_id, score, status, name, p, m in rows
    }


def _totals(round_id: int, kept: dict[int, _Kept]) -> Totals:
    """Every apprentice of the round counts once: in a kept pair, or without a mentor."""
    unmatched = select(func.count()).where(UnmatchedApprentice.round_id == round_id)
    rejected = select(func.count()).where(
        ProposedMatch.round_id == round_id, ProposedMatch.status == MatchStatus.REJECTED
    )
    row = db.session.execute(select(unmatched.scalar_subquery(), rejected.scalar_subquery())).one()
    return Totals(
        matched=len(kept),
        unmatched=row[0] + row[1],
        total_score=sum(k.score for k in kept.values()),
    )


def _change(a: _Kept | None, b: _Kept | None) -> Change:
    either = a or b
    return Change(
        apprentice=either.apprentice,
        partner=either.partner,
        before=a.mentor if a else "No mentor",
        after=b.mentor if b else "No mentor",
        before_score=a.score if a else None,
        after_score=b.score if b else None,
    )
