"""Pairing an apprentice a round left without a mentor by hand.

The coordinator picks from the mentors the round's own hard rules allow, ranked by the
round's score; every other mentor comes with the rules the pair would break. The pair joins
the round approved and locked, so a re-run keeps it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from matcher import Apprentice, MatchRules, Mentor
from matcher.options import MentorOption, mentor_options
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    MatchRound,
    MatchStatus,
    MentorProfile,
    Mentorship,
    ProposedMatch,
    UnmatchedApprentice,
    User,
)
from web.models.base import utcnow
from web.services import audit, round_inputs
from web.services.cohorts import ensure_not_archived
from web.services.decisions import StaleDecision, latest_succeeded_round
from web.services.matching_inputs import (
    counted_apprentices,
    counted_mentors,
    may_be_matched,
    rules_from_parameters,
)
from web.services.rounds import places_taken

logger = logging.getLogger(__name__)


class NotPairable(DomainError):
    """The apprentice or the mentor cannot make this pair."""


@dataclass(frozen=True)
class MentorChoice:
    """A mentor as the coordinator sees them, with the matcher's verdict on the pair."""

    mentor: Mentor
    option: MentorOption

    @property
    def id(self) -> int:
        """The mentor profile's id."""
        return int(self.mentor.id)


@dataclass(frozen=True)
class MentorChoices:
    """Feasible mentors (best score first) and the others with the rules they break."""

    feasible: list[MentorChoice]
    others: list[MentorChoice]

    def others_by_problem(self) -> list[tuple[str, int]]:
        """How many of the other mentors each rule keeps out, most first."""
        counts = Counter(p for choice in self.others for p in choice.option.problems)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def mentor_choices(match_round: MatchRound, apprentice_id: int) -> MentorChoices:
    """Every mentor taking apprentices now, for the apprentice, under the round's rules."""
    apprentice = _apprentice(apprentice_id)
    mentors = {m.id: m for m in _mentors_with_places(match_round, apprentice_id)}
    options = mentor_options(apprentice, list(mentors.values()), _rules(match_round))
    choices = [MentorChoice(mentors[o.mentor_id], o) for o in options]
    return MentorChoices(
        feasible=[c for c in choices if c.option.feasible],
        others=[c for c in choices if not c.option.feasible],
    )


def _apprentice(apprentice_id: int) -> Apprentice:
    found = round_inputs.load_apprentices(
        ApprenticeProfile.id == apprentice_id, counted_apprentices(), may_be_matched(), stated=True
    )
    if not found:
        raise NotPairable(
            "This apprentice cannot be matched now: their account is closed, their email "
            "address is not confirmed, or a guardian has not yet consented."
        )
    return found[0]


def _mentors_with_places(match_round: MatchRound, apprentice_id: int) -> list[Mentor]:
    """Accepting mentors, with the places their mentorships and this round's pairs leave,
    and their marks on the apprentice."""
    taken = Counter(places_taken())
    published = select(Mentorship.match_id)
    rows = db.session.execute(
        select(ProposedMatch.mentor_id, func.count())
        .where(
            ProposedMatch.round_id == match_round.id,
            ProposedMatch.status != MatchStatus.REJECTED,
            ProposedMatch.id.not_in(published),
        )
        .group_by(ProposedMatch.mentor_id)
    )
    taken.update(dict(rows.all()))
    return round_inputs.load_mentors(
        MentorProfile.accepting,
        counted_mentors(),
        taken=taken,
        marked=select(ApprenticeProfile.id).where(ApprenticeProfile.id == apprentice_id),
    )


def _rules(match_round: MatchRound) -> MatchRules:
    """The round's rules, with every pair a coordinator rejected in the cohort."""
    cohort_rounds = select(MatchRound.id).where(MatchRound.cohort_id == match_round.cohort_id)
    rejected = db.session.execute(
        select(ProposedMatch.apprentice_id, ProposedMatch.mentor_id).where(
            ProposedMatch.round_id.in_(cohort_rounds),
            ProposedMatch.status == MatchStatus.REJECTED,
        )
    )
    never = frozenset((str(a), str(m)) for a, m in rejected)
    return rules_from_parameters(match_round.parameters or {}, rejected=never)


def pair_by_hand(
    match_round: MatchRound, apprentice_id: int, mentor_id: int, user: User
) -> ProposedMatch:
    """Add the pair to the round, approved and locked, if the round's rules allow it."""
    ensure_not_archived(match_round.cohort, user, "pair an apprentice by hand")
    db.session.refresh(match_round, with_for_update=True)  # one decision at a time
    latest = latest_succeeded_round(match_round.cohort_id)
    if latest is None or latest.id != match_round.id:
        raise StaleDecision("This is not the cohort's latest round. Open the latest round.")
    miss = db.session.scalar(
        select(UnmatchedApprentice).where(
            UnmatchedApprentice.round_id == match_round.id,
            UnmatchedApprentice.apprentice_id == apprentice_id,
        )
    )
    if miss is None:
        raise NotPairable("This apprentice already has a pair in this round. Nothing was changed.")
    choice = _chosen(mentor_choices(match_round, apprentice_id), mentor_id)
    match = _add_pair(match_round, apprentice_id, choice, user)
    db.session.delete(miss)
    db.session.get(ApprenticeProfile, apprentice_id).status = ApprenticeStatus.APPROVED
    db.session.flush()
    audit.record(
        user,
        "match.paired_by_hand",
        match,
        mentor_id=mentor_id,
        score=match.score,
        round_id=match_round.id,
    )
    return match


def _chosen(choices: MentorChoices, mentor_id: int) -> MentorChoice:
    for choice in choices.feasible:
        if choice.id == mentor_id:
            return choice
    for choice in choices.others:
        if choice.id == mentor_id:
            raise NotPairable(
                f"{choice.mentor.name} cannot take this apprentice: "
                f"{'; '.join(choice.option.problems)}. Choose one of the feasible mentors."
            )
    raise NotPairable(
        "This mentor does not take apprentices now (not accepting, not approved, or their "
        "account is closed). Choose one of the feasible mentors."
    )


def _add_pair(
    match_round: MatchRound, apprentice_id: int, choice: MentorChoice, user: User
) -> ProposedMatch:
    option = choice.option
    match = ProposedMatch(
        round_id=match_round.id,
        apprentice_id=apprentice_id,
        mentor_id=choice.id,
        score=option.score,
        components=dict(option.components),
        facts=dict(option.facts),
        reason=f"Paired by hand by a coordinator; {option.reason[:1].lower()}{option.reason[1:]}",
        status=MatchStatus.APPROVED,
        locked=True,
        decided_by_id=user.id,
        decided_at=utcnow(),
    )
    db.session.add(match)
    return match
