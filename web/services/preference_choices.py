"""Who each side may state preferences about: the pairs the matcher's hard rules allow.

The lists come from the matcher itself (`allowed_scores`), with the cohort's latest round
settings (or the defaults before its first round), so nobody is offered a pair a round
would never propose. Mentors' marks are left out on purpose: an apprentice's list must
not change because a mentor said "not a good fit". Each entry carries a one-line why
(shared skills, weekly time in common, how they would meet) and never contact details:
those follow a confirmed match (web/services/contact_details.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from matcher import Apprentice, MatchRules, Mentor
from matcher.explain import PairExplainer
from matcher.rounds import allowed_scores
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    Cohort,
    MatchRound,
    MatchStatus,
    MentorProfile,
    ProposedMatch,
)
from web.services import round_inputs
from web.services.matching_inputs import (
    counted_apprentices,
    counted_mentors,
    may_be_matched,
    rules_from_parameters,
)
from web.services.rounds import places_taken
from web.services.stated_preferences import STATING, PreferencesClosed, open_cohorts

SHORTLIST = 12  # mentors shown to an apprentice: the best-scoring pairs the rules allow


@dataclass(frozen=True)
class Choice:
    """One person the other side may state a preference about, and why they fit."""

    id: int
    first_name: str
    detail: str  # a mentor's title and department, an apprentice's partner institution
    why: str
    score: float


def mentors_for(profile: ApprenticeProfile) -> list[Choice]:
    """The apprentice's shortlist: allowed mentors, best pairs first."""
    apprentices = round_inputs.load_apprentices(ApprenticeProfile.id == profile.id)
    mentors = round_inputs.load_mentors(
        MentorProfile.accepting, counted_mentors(), taken=places_taken()
    )
    by_id = {m.id: m for m in mentors}
    rules = _cohort_rules(profile.cohort_id, apprentice_id=profile.id)
    allowed = sorted(allowed_scores(apprentices, mentors, rules), key=lambda p: (-p[2], p[1]))
    explainer = PairExplainer()
    return [
        _mentor_choice(explainer, apprentices[0], by_id[m], score)
        for _, m, score in allowed[:SHORTLIST]
    ]


def apprentices_for(profile: MentorProfile) -> list[Choice]:
    """Apprentices of cohorts whose step is open that the rules allow with this mentor."""
    cohorts = db.session.scalars(select(Cohort).where(*open_cohorts())).all()
    if not cohorts:
        raise PreferencesClosed(_("Marking apprentices is not open right now."))
    mentors = round_inputs.load_mentors(
        MentorProfile.id == profile.id, counted_mentors(), taken=places_taken()
    )
    choices: list[Choice] = []
    for cohort in cohorts:
        choices += _cohort_apprentices(cohort, mentors)
    return sorted(choices, key=lambda c: (-c.score, c.id))


def _cohort_apprentices(cohort: Cohort, mentors: Sequence[Mentor]) -> list[Choice]:
    apprentices = round_inputs.load_apprentices(
        ApprenticeProfile.cohort_id == cohort.id,
        ApprenticeProfile.status.in_(STATING),
        counted_apprentices(),
        may_be_matched(),
    )
    if not mentors or not apprentices:
        return []
    by_id = {a.id: a for a in apprentices}
    rules = _cohort_rules(cohort.id, mentor_id=int(mentors[0].id))
    explainer = PairExplainer()  # works out each mentor's skills and shared parts once
    return [
        _apprentice_choice(explainer, by_id[a], mentors[0], score)
        for a, _m, score in allowed_scores(apprentices, mentors, rules)
    ]


def _cohort_rules(cohort_id: int, *, apprentice_id=None, mentor_id=None) -> MatchRules:
    """The cohort's latest round settings, with pairs coordinators rejected there."""
    parameters = db.session.scalar(
        select(MatchRound.parameters)
        .where(MatchRound.cohort_id == cohort_id)
        .order_by(MatchRound.id.desc())
        .limit(1)
    )
    rejected = select(ProposedMatch.apprentice_id, ProposedMatch.mentor_id).where(
        ProposedMatch.status == MatchStatus.REJECTED,
        ProposedMatch.round_id.in_(select(MatchRound.id).where(MatchRound.cohort_id == cohort_id)),
    )
    if apprentice_id is not None:
        rejected = rejected.where(ProposedMatch.apprentice_id == apprentice_id)
    if mentor_id is not None:
        rejected = rejected.where(ProposedMatch.mentor_id == mentor_id)
    never = frozenset((str(a), str(m)) for a, m in db.session.execute(rejected))
    rules = rules_from_parameters(parameters or {}, rejected=never)
    # Only the hard rules matter here: objectives and floors are the round's business.
    return MatchRules(
        weights=rules.weights,
        min_overlap_minutes=rules.min_overlap_minutes,
        rejected=rules.rejected,
    )


def _facts(explainer: PairExplainer, apprentice: Apprentice, mentor: Mentor) -> dict:
    return explainer.explain_many([(apprentice, mentor, False, None)])[0][0]


def _mentor_choice(explainer, apprentice: Apprentice, mentor: Mentor, score: float) -> Choice:
    facts = _facts(explainer, apprentice, mentor)
    detail = ", ".join(p for p in (mentor.title, mentor.department) if p)
    return Choice(int(mentor.id), first_name(mentor.name), detail, _why(facts, "apprentice"), score)


def _apprentice_choice(explainer, apprentice: Apprentice, mentor: Mentor, score: float) -> Choice:
    facts = _facts(explainer, apprentice, mentor)
    return Choice(
        int(apprentice.id),
        first_name(apprentice.name),
        apprentice.partner,
        _why(facts, "mentor"),
        score,
    )


def first_name(name: str) -> str:
    """The first word of a person's name: all the other side sees before a match."""
    return (name or "").split(" ", 1)[0]


def _why(facts: dict, reader: str) -> str:
    """One line: shared skills, weekly time in common, and how the pair would meet."""
    shared, wanted = facts["shared_skills"], facts["skills_wanted"]
    if not wanted:
        skills = _("No skills listed to learn")
    elif not shared:
        skills = _("No shared skills")
    elif reader == "apprentice":
        skills = _(
            "Teaches %(shared)d of the %(wanted)d skills you want: %(skills)s",
            shared=len(shared),
            wanted=len(wanted),
            skills=", ".join(shared),
        )
    else:
        skills = _(
            "Wants to learn %(shared)d skills you teach: %(skills)s",
            shared=len(shared),
            skills=", ".join(shared),
        )
    hours = _("%(hours)s h a week in common", hours=f"{facts['overlap_minutes'] / 60:.1f}")
    mode = {
        "in_person": _("meets in person"),
        "remote": _("meets online"),
        "either": _("in person or online"),
    }[facts["meeting_mode"]]
    return " · ".join((skills, hours, mode))
