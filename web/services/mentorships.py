"""Running mentorships: the mentor's answer, monthly check-ins, an apprentice withdrawing."""

from __future__ import annotations

import logging
import secrets
from datetime import date

from sqlalchemy import select

from web.database import enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    CheckIn,
    MatchStatus,
    Mentorship,
    MentorshipStatus,
    ProposedMatch,
    Role,
    User,
)
from web.models.base import utcnow
from web.services import audit, notifications
from web.services.contact_details import MENTOR_CONTACT_TASK

logger = logging.getLogger(__name__)

LIVE = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)
WITHDRAWAL_REASON = "apprentice withdrew"
_ANSWERED = {
    MentorshipStatus.ACTIVE: "You already confirmed this apprentice.",
    MentorshipStatus.DECLINED: "You already declined this apprentice.",
    MentorshipStatus.ENDED: "This mentorship has ended, so it cannot be changed.",
}


class NotYourMentorship(DomainError):
    """The user is neither the mentor nor the apprentice of this mentorship."""


class AlreadyAnswered(DomainError):
    """The mentor already confirmed or declined, or the mentorship ended."""


class CheckInRefused(DomainError):
    """A check-in cannot be recorded for this mentorship or month."""


def live_mentorship_for(profile: ApprenticeProfile) -> Mentorship | None:
    """The apprentice's published mentorship that is waiting for the mentor or running."""
    return db.session.scalar(
        select(Mentorship)
        .where(Mentorship.apprentice_id == profile.id, Mentorship.status.in_(LIVE))
        .order_by(Mentorship.published_at.desc(), Mentorship.id.desc())
    )


def latest_mentorship_for(profile: ApprenticeProfile) -> Mentorship | None:
    """The apprentice's most recent published mentorship, whatever its status."""
    return db.session.scalar(
        select(Mentorship)
        .where(Mentorship.apprentice_id == profile.id)
        .order_by(Mentorship.published_at.desc(), Mentorship.id.desc())
    )


def respond_to_match(
    mentorship: Mentorship, mentor_user: User, accept: bool, reason: str = ""
) -> None:
    """The mentor confirms (mentorship active) or declines (apprentice back in the pool)."""
    if mentorship.mentor.user_id != mentor_user.id:
        raise NotYourMentorship("This apprentice is not one of yours.")
    if mentorship.status != MentorshipStatus.AWAITING_MENTOR:
        raise AlreadyAnswered(_ANSWERED[MentorshipStatus(mentorship.status)])
    mentorship.responded_at = utcnow()
    if accept:
        _confirm(mentorship, mentor_user)
    else:
        _decline(mentorship, mentor_user, reason.strip())
    db.session.flush()


def _confirm(mentorship: Mentorship, mentor_user: User) -> None:
    mentorship.status = MentorshipStatus.ACTIVE
    mentorship.apprentice.status = ApprenticeStatus.ACTIVE
    audit.record(mentor_user, "mentorship.confirmed", mentorship)
    # Only now may the apprentice learn how to reach the mentor (web/services/contact_details.py).
    enqueue_after_commit(MENTOR_CONTACT_TASK, mentorship.id)


def _decline(mentorship: Mentorship, mentor_user: User, reason: str) -> None:
    """Free the apprentice for the next round, never to be proposed to this mentor again."""
    mentorship.status = MentorshipStatus.DECLINED
    mentorship.end_reason = reason or "mentor declined"
    apprentice = mentorship.apprentice
    apprentice.status = ApprenticeStatus.REGISTERED
    if mentorship.mentor_id not in apprentice.exclude_mentor_ids:
        apprentice.exclude_mentor_ids = [*apprentice.exclude_mentor_ids, mentorship.mentor_id]
    # The pair was approved; left approved, the next round would carry it over.
    match = mentorship.match
    match.status = MatchStatus.REJECTED
    match.decided_at = utcnow()
    match.decision_reason = f"mentor declined: {reason}" if reason else "mentor declined"
    audit.record(mentor_user, "mentorship.declined", mentorship, reason=reason)


def check_in_months(today: date) -> list[str]:
    """The months a check-in may be for: this month and the one before, as 'YYYY-MM'."""
    previous = (
        date(today.year - 1, 12, 1)
        if today.month == 1
        else today.replace(month=today.month - 1, day=1)
    )
    return [today.strftime("%Y-%m"), previous.strftime("%Y-%m")]


def month_label(month: str) -> str:
    """'2026-03' as 'March 2026'."""
    year, number = month.split("-")
    return date(int(year), int(number), 1).strftime("%B %Y")


def check_in_saved_message(month: str, created: bool) -> str:
    """What to tell the author once their check-in for `month` is saved."""
    label = month_label(month)
    if created:
        return f"Thank you. Your check-in for {label} is saved."
    return f"You had already sent a check-in for {label}; it now has your new answers."


def record_check_in(
    mentorship: Mentorship,
    author: User,
    month: str,
    rating: int,
    note: str,
    today: date | None = None,
) -> tuple[CheckIn, bool]:
    """Save `author`'s check-in for `month`; a second one for that month replaces the first.

    Returns the check-in and whether it was new.
    """
    role = _side_of(mentorship, author)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise CheckInRefused("Check-ins open once the mentor has confirmed the mentorship.")
    if month not in check_in_months(today or date.today()):
        raise CheckInRefused("Choose this month or last month.")
    if not 1 <= rating <= 5:
        raise CheckInRefused("Choose a rating from 1 to 5.")
    check_in = db.session.scalar(
        select(CheckIn).where(
            CheckIn.mentorship_id == mentorship.id,
            CheckIn.author_id == author.id,
            CheckIn.month == month,
        )
    )
    created = check_in is None
    if created:
        check_in = CheckIn(mentorship=mentorship, author=author, author_role=role, month=month)
        db.session.add(check_in)
    check_in.rating = rating
    check_in.note = note.strip()
    db.session.flush()
    return check_in, created


def _side_of(mentorship: Mentorship, user: User) -> Role:
    if mentorship.mentor.user_id == user.id:
        return Role.MENTOR
    if mentorship.apprentice.user_id == user.id:
        return Role.APPRENTICE
    raise NotYourMentorship("You are not part of this mentorship.")


def withdraw_apprentice(profile: ApprenticeProfile, user: User) -> None:
    """Remove the apprentice's personal data, keep what statistics need, end their pairs."""
    if profile.status == ApprenticeStatus.WITHDRAWN:
        raise DomainError("You have already withdrawn from the program.")
    _end_pairs(profile, user)
    mentorship_ids = select(Mentorship.id).where(Mentorship.apprentice_id == profile.id)
    ids = list(db.session.scalars(mentorship_ids))
    for address in (user.email, profile.guardian_email):
        notifications.forget_address(address, ids)
    _forget_profile(profile)
    _forget_check_in_notes(user)
    _anonymise_user(user)
    audit.record(user, "apprentice.withdrew", profile, reason=WITHDRAWAL_REASON)
    db.session.flush()


def _end_pairs(profile: ApprenticeProfile, user: User) -> None:
    now = utcnow()
    pairs = db.session.scalars(
        select(ProposedMatch).where(
            ProposedMatch.apprentice_id == profile.id,
            ProposedMatch.status.in_([MatchStatus.PROPOSED, MatchStatus.APPROVED]),
        )
    )
    for match in pairs:
        match.status = MatchStatus.REJECTED
        match.decided_by_id = user.id
        match.decided_at = now
        match.decision_reason = WITHDRAWAL_REASON
    mentorships = db.session.scalars(
        select(Mentorship).where(
            Mentorship.apprentice_id == profile.id, Mentorship.status.in_(LIVE)
        )
    )
    for mentorship in mentorships:
        mentorship.status = MentorshipStatus.ENDED
        mentorship.ended_at = now
        mentorship.end_reason = WITHDRAWAL_REASON


def _forget_profile(profile: ApprenticeProfile) -> None:
    """Keep partner, cohort, pathways and status; clear everything else."""
    profile.status = ApprenticeStatus.WITHDRAWN
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


def _forget_check_in_notes(user: User) -> None:
    for check_in in db.session.scalars(select(CheckIn).where(CheckIn.author_id == user.id)):
        check_in.note = ""


def _anonymise_user(user: User) -> None:
    """Keep the row (the audit log points at it) but nothing that identifies the person."""
    user.name = "Withdrawn apprentice"
    user.email = f"withdrawn-{user.id}@invalid.example"
    user.password_hash = f"!withdrawn:{secrets.token_hex(16)}"
    user.active = False
