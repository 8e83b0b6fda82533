"""Running mentorships: the mentor's answer, monthly check-ins, and how each one ends."""

from __future__ import annotations

import logging
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from web.database import enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.language.formats import month_year
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    CheckIn,
    MatchStatus,
    Mentorship,
    MentorshipOutcome,
    MentorshipStatus,
    Role,
    User,
)
from web.models.base import utcnow
from web.services import audit
from web.services.contact_details import MENTOR_CONTACT_TASK

logger = logging.getLogger(__name__)

LIVE = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)
OUTCOMES = {
    MentorshipOutcome.COMPLETED: "Completed: the mentorship ran its course",
    MentorshipOutcome.ENDED_EARLY: "Ended early",
    MentorshipOutcome.DECLINED: "Declined: the pair never started",
}
_ANSWERED = {
    MentorshipStatus.ACTIVE: _l("You already confirmed this apprentice."),
    MentorshipStatus.DECLINED: _l("You already declined this apprentice."),
    MentorshipStatus.ENDED: _l("This mentorship has ended, so it cannot be changed."),
}


class NotYourMentorship(DomainError):
    """The user is neither the mentor nor the apprentice of this mentorship."""


class AlreadyAnswered(DomainError):
    """The mentor already confirmed or declined, or the mentorship ended."""


class CheckInRefused(DomainError):
    """A check-in cannot be recorded for this mentorship or month."""


class EndingRefused(DomainError):
    """The mentorship cannot end this way: not running, no reason, or a completed return."""


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
        raise NotYourMentorship(_("This apprentice is not one of yours."))
    if mentorship.status != MentorshipStatus.AWAITING_MENTOR:
        raise AlreadyAnswered(str(_ANSWERED[MentorshipStatus(mentorship.status)]))
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
    mentorship.end_outcome = MentorshipOutcome.DECLINED
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
    """'2026-03' as 'March 2026', in the language being written."""
    return month_year(month)


def check_in_saved_message(month: str, created: bool) -> str:
    """What to tell the author once their check-in for `month` is saved."""
    label = month_label(month)
    if created:
        return _("Thank you. Your check-in for %(month)s is saved.", month=label)
    return _(
        "You had already sent a check-in for %(month)s; it now has your new answers.",
        month=label,
    )


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
        raise CheckInRefused(_("Check-ins open once the mentor has confirmed the mentorship."))
    if month not in check_in_months(today or date.today()):
        raise CheckInRefused(_("Choose this month or last month."))
    if not 1 <= rating <= 5:
        raise CheckInRefused(_("Choose a rating from 1 to 5."))
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
    raise NotYourMentorship(_("You are not part of this mentorship."))


def end_mentorship(
    mentorship: Mentorship,
    outcome: MentorshipOutcome,
    reason: str,
    actor: User,
    *,
    back_to_pool: bool = False,
) -> None:
    """Record why a live mentorship stops; the apprentice is matched again only if asked."""
    reason = reason.strip()
    if refused := _check_ending(mentorship, outcome, reason, back_to_pool):
        raise EndingRefused(refuse_ending(mentorship, actor, refused))
    mentorship.status = (
        MentorshipStatus.DECLINED
        if outcome == MentorshipOutcome.DECLINED
        else MentorshipStatus.ENDED
    )
    mentorship.end_outcome = outcome
    mentorship.ended_at = utcnow()
    mentorship.end_reason = reason
    _apprentice_after(mentorship, outcome, back_to_pool)
    # Left approved, the pair would be carried over into the cohort's next round.
    mentorship.match.status = MatchStatus.REJECTED
    mentorship.match.decided_at = mentorship.ended_at
    mentorship.match.decision_reason = f"mentorship {outcome.replace('_', ' ')}: {reason}".strip()
    db.session.flush()
    audit.record(
        actor,
        "mentorship.ended",
        mentorship,
        reason=reason,
        outcome=str(outcome),
        back_to_pool=back_to_pool,
        apprentice_id=mentorship.apprentice_id,
        mentor_id=mentorship.mentor_id,
    )


def _check_ending(
    mentorship: Mentorship, outcome: MentorshipOutcome, reason: str, back_to_pool: bool
) -> str | None:
    if mentorship.status not in LIVE:
        return ended_message(mentorship)
    if outcome not in OUTCOMES:
        return "Choose how the mentorship ends."
    if outcome == MentorshipOutcome.ENDED_EARLY and not reason:
        return "Say why the mentorship ended early."
    if outcome == MentorshipOutcome.COMPLETED and back_to_pool:
        return (
            "A completed apprentice is not matched again. Choose “Ended early” to match them "
            "with another mentor."
        )
    return None


def refuse_ending(mentorship: Mentorship, actor: User, message: str) -> str:
    """Record in the audit log that ending the mentorship was refused, and say why."""
    audit.record(actor, "mentorship.end_refused", mentorship, reason=message)
    db.session.flush()
    return message


def _apprentice_after(
    mentorship: Mentorship, outcome: MentorshipOutcome, back_to_pool: bool
) -> None:
    """Completed, back in the pool (never with this mentor again), or out of the program."""
    apprentice = mentorship.apprentice
    if outcome == MentorshipOutcome.COMPLETED:
        apprentice.status = ApprenticeStatus.COMPLETED
    elif back_to_pool:
        apprentice.status = ApprenticeStatus.REGISTERED
        excluded = {*apprentice.exclude_mentor_ids, mentorship.mentor_id}
        apprentice.exclude_mentor_ids = sorted(excluded)
    else:
        apprentice.status = ApprenticeStatus.ENDED


def ended_message(mentorship: Mentorship) -> str:
    """Why a mentorship that is not running cannot be ended again, in plain words."""
    ended = mentorship.ended_at or mentorship.responded_at
    when = f" on {ended:%B} {ended.day}, {ended.year}" if ended else ""
    why = f" Reason: {mentorship.end_reason}" if mentorship.end_reason else ""
    return f"This mentorship was already {mentorship.status}{when}, so it cannot be ended.{why}"
