"""Erasing a person: an apprentice withdrawing, a mentor or a partner contact leaving.

Each keeps what the program's statistics need (partner, cohort, pathways, counts, ids for
the audit log) and loses everything that identifies them: their account's name, address and
password, their profile's details, their check-in notes, the addresses of emails sent to
them, and their name in every stored explanation, reason and report of every round.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    CheckIn,
    MatchStatus,
    MentorProfile,
    Mentorship,
    MentorshipOutcome,
    MentorshipStatus,
    Outcome,
    ProposedMatch,
    Role,
    UnmatchedApprentice,
    User,
)
from web.models.base import utcnow
from web.services import audit, notifications, stated_preferences
from web.services.scrubbing import Replacement, scrub

logger = logging.getLogger(__name__)

LIVE = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)
WITHDRAWAL_REASON = "apprentice withdrew"
MENTOR_ERASED = "mentor's data erased"
# Said instead of the reasons and facts of a round that described an erased person's profile.
REASON_ERASED = "Reason removed with the personal data of a person who left"
_WAITING_FOR_PUBLICATION = (ApprenticeStatus.PROPOSED, ApprenticeStatus.APPROVED)
INSTEAD = {
    Role.APPRENTICE: "a withdrawn apprentice",
    Role.MENTOR: "an erased mentor",
    Role.PARTNER: "an erased partner contact",
}
_LABELS = {
    Role.APPRENTICE: "Withdrawn apprentice",
    Role.MENTOR: "Erased mentor",
    Role.PARTNER: "Erased partner contact",
}


class ErasureRefused(DomainError):
    """The person cannot be erased now (already erased, or mentoring someone)."""


@dataclass(frozen=True)
class Identity:
    """What identified a person before their account was anonymised."""

    name: str
    email: str

    @classmethod
    def of(cls, user: User) -> Identity:
        """The user's name and address as they are now."""
        return cls(user.name, user.email)


def withdraw_apprentice(profile: ApprenticeProfile, actor: User) -> None:
    """The apprentice leaves: their pairs end and their personal data goes, everywhere."""
    if profile.status == ApprenticeStatus.WITHDRAWN or profile.user is None:
        raise ErasureRefused(_("You have already withdrawn from the program."))
    _end_apprentice_pairs(profile, actor)
    erase_apprentice_data(profile)
    profile.status = ApprenticeStatus.WITHDRAWN
    audit.record(actor, "apprentice.withdrew", profile, reason=WITHDRAWAL_REASON)
    db.session.flush()


def erase_apprentice_data(profile: ApprenticeProfile, *, scrub_now: bool = True) -> Identity | None:
    """Forget who the apprentice is; keep partner, cohort, pathways and status for reports.

    Returns who they were; with `scrub_now` False the caller scrubs their name (with others').
    """
    user = profile.user
    if user is None:
        return None
    identity = Identity.of(user)
    mentorship_ids = select(Mentorship.id).where(Mentorship.apprentice_id == profile.id)
    ids = list(db.session.scalars(mentorship_ids))
    for address in (identity.email, profile.guardian_email):
        if address:
            notifications.forget_address(address, ids)
    profile.user = None
    profile.goals = ""
    profile.exclude_mentor_ids = []
    profile.availability = []
    profile.languages = []
    profile.region = ""
    profile.mode = "either"
    profile.is_minor = False
    profile.date_of_birth = None
    profile.guardian_name = profile.guardian_email = ""
    profile.skills = []
    _forget_round_records(ProposedMatch.apprentice_id == profile.id)
    stated_preferences.forget_stated(apprentice_id=profile.id)
    db.session.execute(
        update(UnmatchedApprentice)
        .where(UnmatchedApprentice.apprentice_id == profile.id)
        .values(reason=REASON_ERASED, details={})
    )
    # What they did next stays for the program's outcome counts; words about them go.
    db.session.execute(update(Outcome).where(Outcome.apprentice_id == profile.id).values(note=""))
    forget_person(user, identity, scrub_now=scrub_now)
    return identity


def erase_mentor(profile: MentorProfile, actor: User) -> None:
    """Erase a mentor who mentors nobody now; their proposed pairs are withdrawn."""
    user = profile.user
    if user.erased_at is not None:
        raise ErasureRefused(_("This mentor's data is already erased."))
    if live := live_mentorships_of(profile):
        message = ngettext(
            "%(name)s mentors %(num)d apprentice now. End that mentorship first, from the "
            "running mentorships page.",
            "%(name)s mentors %(num)d apprentices now. End those mentorships first, from the "
            "running mentorships page.",
            live,
            name=user.name,
        )
        audit.record(actor, "mentor.erasure_refused", profile, reason=message, live=live)
        raise ErasureRefused(message)
    for match in _reject_open_pairs(ProposedMatch.mentor_id == profile.id, actor, MENTOR_ERASED):
        if match.apprentice.status in _WAITING_FOR_PUBLICATION:
            match.apprentice.status = ApprenticeStatus.REGISTERED  # matched again next round
    identity = Identity.of(user)
    mentorship_ids = select(Mentorship.id).where(Mentorship.mentor_id == profile.id)
    notifications.forget_address(identity.email, list(db.session.scalars(mentorship_ids)))
    profile.department = profile.job_title = profile.phone = profile.region = ""
    profile.availability, profile.languages, profile.skills = [], [], []
    profile.mode, profile.accepting = "either", False
    profile.background_check_declared = profile.background_checked = False
    _forget_round_records(ProposedMatch.mentor_id == profile.id)
    stated_preferences.forget_stated(mentor_id=profile.id)
    forget_person(user, identity)
    audit.record(actor, "mentor.erased", profile, by_themselves=actor.id == user.id)
    db.session.flush()


def erase_partner_contact(user: User, actor: User) -> None:
    """Erase a partner institution's contact; the institution and its tokens stay."""
    if user.role != Role.PARTNER:
        raise ErasureRefused("This account is not a partner contact.")
    if user.erased_at is not None:
        raise ErasureRefused("This partner contact's data is already erased.")
    identity = Identity.of(user)
    mentorship_ids = (
        select(Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(ApprenticeProfile.partner_id == user.partner_id)
    )
    notifications.forget_address(identity.email, list(db.session.scalars(mentorship_ids)))
    forget_person(user, identity)
    audit.record(actor, "partner_contact.erased", user, by_themselves=actor.id == user.id)
    db.session.flush()


def live_mentorships_of(profile: MentorProfile) -> int:
    """How many apprentices the mentor is paired with now (waiting for them, or active)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Mentorship)
        .where(Mentorship.mentor_id == profile.id, Mentorship.status.in_(LIVE))
    )


def forget_person(user: User, identity: Identity, *, scrub_now: bool = True) -> None:
    """Anonymise the account (the audit log points at it) and scrub the name everywhere."""
    role = Role(user.role)
    for check_in in db.session.scalars(select(CheckIn).where(CheckIn.author_id == user.id)):
        check_in.note = ""
    user.name = _LABELS[role]
    user.email = f"erased-{user.id}@invalid.example"
    user.password_hash = f"!erased:{secrets.token_hex(16)}"
    user.active = False
    user.erased_at = utcnow()
    db.session.flush()
    if scrub_now:
        scrub(Replacement.of([identity.name, identity.email], INSTEAD[role]))


def _forget_round_records(which) -> None:
    """Pairs' reasons and facts describe both profiles (skills, schedule, region): they go;
    scores, components and decisions stay for the round's statistics."""
    db.session.execute(update(ProposedMatch).where(which).values(reason=REASON_ERASED, facts={}))


def _end_apprentice_pairs(profile: ApprenticeProfile, actor: User) -> None:
    _reject_open_pairs(ProposedMatch.apprentice_id == profile.id, actor, WITHDRAWAL_REASON)
    mentorships = db.session.scalars(
        select(Mentorship).where(
            Mentorship.apprentice_id == profile.id, Mentorship.status.in_(LIVE)
        )
    )
    for mentorship in mentorships:
        mentorship.status = MentorshipStatus.ENDED
        mentorship.end_outcome = MentorshipOutcome.WITHDRAWN
        mentorship.ended_at = utcnow()
        mentorship.end_reason = WITHDRAWAL_REASON


def _reject_open_pairs(which, actor: User, reason: str) -> list[ProposedMatch]:
    """Proposed or approved pairs are rejected, so no later round keeps or publishes them."""
    pairs = db.session.scalars(
        select(ProposedMatch).where(
            which, ProposedMatch.status.in_([MatchStatus.PROPOSED, MatchStatus.APPROVED])
        )
    ).all()
    for match in pairs:
        match.status = MatchStatus.REJECTED
        match.decided_by_id = actor.id
        match.decided_at = utcnow()
        match.decision_reason = reason
    return pairs
