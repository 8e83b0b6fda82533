"""Turning stored profiles into the matcher's plain data.

The matcher compares pathways, skills, regions and languages as case-insensitive text and
quotes them in its explanations, so it gets their labels ("Python programming"), which are
one-to-one with the stored keys ("python"): pairs come out the same, and reasons read well.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select

from matcher import Apprentice, MatchRules, Mentor
from web.catalog import label, slots_from_json
from web.models import ApprenticeProfile, MentorProfile, MentorVetting, User
from web.services import background_checks


def _counted_users():
    """Accounts that count: open, and with an address that is verified (or program-made)."""
    return select(User.id).where(User.active, User.email_verified)


def counted_apprentices() -> ColumnElement[bool]:
    """The apprentices a round may take: account open and email address verified."""
    return ApprenticeProfile.user_id.in_(_counted_users())


def counted_mentors() -> ColumnElement[bool]:
    """The mentors the matcher is offered: approved by the program, address verified, open.

    A pending or refused sign-up is never offered, whatever it says about itself.
    """
    return (MentorProfile.vetting == MentorVetting.APPROVED) & MentorProfile.user_id.in_(
        _counted_users()
    )


def may_be_matched() -> ColumnElement[bool]:
    """SQL: the apprentice can go to the matcher; a minor only once their guardian consented."""
    return or_(
        ApprenticeProfile.is_minor.is_(False), ApprenticeProfile.guardian_consent_at.is_not(None)
    )


def kept_pairs_still_allowed(
    keep: frozenset[tuple[str, str]],
    apprentices: list[Apprentice],
    mentors: list[Mentor],
) -> frozenset[tuple[str, str]]:
    """Pairs a round keeps, less those of a minor whose mentor's check no longer holds.

    The matcher keeps a kept pair whatever its rules say, so the rule is applied here.
    """
    minors = {a.id for a in apprentices if a.minor}
    unchecked = {m.id for m in mentors if not m.background_checked}
    return frozenset(pair for pair in keep if not (pair[0] in minors and pair[1] in unchecked))


def apprentice_input(profile: ApprenticeProfile) -> Apprentice:
    """The matcher's view of an apprentice profile."""
    return Apprentice(
        id=str(profile.id),
        name=profile.display_name,
        email=profile.user.email if profile.user else "",
        partner=profile.partner.name,
        pathways=_labels(profile.pathways),
        skills={s.skill.label: s.level for s in profile.skills},
        availability=slots_from_json(profile.availability),
        mode=profile.mode,
        region=label(profile.region),
        languages=_labels(profile.languages),
        minor=profile.is_minor,
        exclude_mentors=frozenset(str(m) for m in profile.exclude_mentor_ids),
    )


def mentor_input(
    profile: MentorProfile, places_taken: int = 0, capacity: int | None = None
) -> Mentor:
    """The matcher's view of a mentor, with places already taken by running mentorships.

    `capacity`, when given, replaces the places left (capacity less `places_taken`).
    """
    return Mentor(
        id=str(profile.id),
        name=profile.user.name,
        email=profile.user.email,
        department=profile.department,
        title=profile.job_title,
        pathways=_labels(profile.pathways),
        skills={s.skill.label: s.level for s in profile.skills},
        capacity=max(profile.capacity - places_taken, 0) if capacity is None else capacity,
        availability=slots_from_json(profile.availability),
        mode=profile.mode,
        region=label(profile.region),
        languages=_labels(profile.languages),
        # A lapsed check counts as no check (web/services/background_checks.py).
        background_checked=background_checks.is_valid(profile),
    )


def _labels(keys: list[str]) -> frozenset[str]:
    return frozenset(label(key) for key in keys)


def rules_from_parameters(
    parameters: dict,
    locked: frozenset[tuple[str, str]] = frozenset(),
    rejected: frozenset[tuple[str, str]] = frozenset(),
) -> MatchRules:
    """The matcher's rules from a round's saved parameters and the coordinator's decisions.

    Stated preferences: `weights["stated"]` weighs the ranks and marks, `top_choices`,
    `min_match_rate` (floors per apprentice column) and `not_fit` ("soft" or "hard").
    """
    defaults = MatchRules()
    return MatchRules(
        weights=parameters.get("weights") or dict(defaults.weights),
        objective=parameters.get("objective", defaults.objective),
        min_overlap_minutes=int(parameters.get("min_overlap_minutes", 60)),
        min_score=float(parameters.get("min_score", 0.0)),
        load_spreading=float(parameters.get("load_spreading", 0.0)),
        locked=locked,
        rejected=rejected,
        top_choices=int(parameters.get("top_choices", 0)),
        # A stable round only compares with its floors (web/services/round_comparison.py).
        min_match_rate={
            str(c): float(r) for c, r in (parameters.get("min_match_rate") or {}).items()
        }
        if parameters.get("objective") != "stable"
        else {},
        not_fit=str(parameters.get("not_fit", defaults.not_fit)),
    )
