"""Background checks: a mentor says they completed the city's check, a coordinator confirms it.

Only a confirmed check that has not expired lets the matcher pair a mentor with an apprentice
under 18. A check expires BACKGROUND_CHECK_VALID_DAYS after it was confirmed.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, select

from web.database import enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.models import MentorProfile, User
from web.models.base import utcnow
from web.services import audit, kept_figures


class CheckStatus(enum.StrEnum):
    """Where a mentor's background check stands, as coordinators filter it."""

    CONFIRMED = "confirmed"
    LAPSED = "lapsed"
    WAITING = "waiting"
    NOT_DONE = "not_done"


EXPIRY_TASK = "workers.tasks.check_background_check_expiry"
STATUS_LABELS = {
    CheckStatus.CONFIRMED: "Confirmed",
    CheckStatus.LAPSED: "Lapsed",
    CheckStatus.WAITING: "Waiting for confirmation",
    CheckStatus.NOT_DONE: "Not done",
}


def valid_days() -> int:
    """How many days a confirmed check stays valid (BACKGROUND_CHECK_VALID_DAYS)."""
    return int(current_app.config.get("BACKGROUND_CHECK_VALID_DAYS", 730))


def is_valid(profile: MentorProfile, now: datetime | None = None) -> bool:
    """True if the check is confirmed and has not expired: the mentor may meet minors."""
    return profile.background_checked and not is_lapsed(profile, now)


def is_lapsed(profile: MentorProfile, now: datetime | None = None) -> bool:
    """True if a confirmed check has passed its expiry."""
    expires = aware(profile.background_check_expires_at)
    return profile.background_checked and expires is not None and expires <= (now or utcnow())


def status_of(profile: MentorProfile, now: datetime | None = None) -> CheckStatus:
    """Confirmed, lapsed, waiting for a coordinator, or not done."""
    if profile.background_checked:
        return CheckStatus.LAPSED if is_lapsed(profile, now) else CheckStatus.CONFIRMED
    if profile.background_check_declared:
        return CheckStatus.WAITING
    return CheckStatus.NOT_DONE


def mentor_answered(profile: MentorProfile) -> None:
    """After the mentor edits their profile: unticking the check withdraws its confirmation."""
    if not profile.background_check_declared and profile.background_checked:
        _clear(profile)


def set_from_program_records(profile: MentorProfile, checked: bool) -> None:
    """A coordinator's import states the check from the city's records: take it as confirmed."""
    profile.background_check_declared = checked
    if checked and not profile.background_checked:
        _mark_confirmed(profile, utcnow())
    elif not checked:
        _clear(profile)


def confirm(profile: MentorProfile, coordinator: User) -> None:
    """Record that the city's records show the mentor's completed (or renewed) check."""
    if is_valid(profile):
        raise DomainError(f"{profile.user.name}'s background check is already confirmed.")
    profile.background_check_declared = True
    _mark_confirmed(profile, utcnow())
    profile.background_checked_by = coordinator
    audit.record(
        coordinator,
        "mentor.background_check_confirmed",
        profile,
        expires=profile.background_check_expires_at.date().isoformat(),
    )


def withdraw(profile: MentorProfile, coordinator: User, reason: str) -> None:
    """Take back a confirmation; from the next round the mentor is not paired with minors."""
    if not profile.background_checked:
        raise DomainError(f"{profile.user.name}'s background check is not confirmed.")
    _clear(profile)
    audit.record(coordinator, "mentor.background_check_withdrawn", profile, reason=reason)
    enqueue_after_commit(EXPIRY_TASK)  # the program admins hear of it now, not tomorrow


def mentors_query(status: str = "") -> Select:
    """Mentors by name, optionally only those whose check has the given status."""
    query = select(MentorProfile).join(MentorProfile.user).order_by(User.name, MentorProfile.id)
    now = utcnow()
    unexpired = MentorProfile.background_check_expires_at.is_(None) | (
        MentorProfile.background_check_expires_at > now
    )
    if status == CheckStatus.CONFIRMED:
        query = query.where(MentorProfile.background_checked.is_(True), unexpired)
    elif status == CheckStatus.LAPSED:
        query = query.where(MentorProfile.background_checked.is_(True), ~unexpired)
    elif status == CheckStatus.WAITING:
        query = query.where(
            MentorProfile.background_check_declared.is_(True),
            MentorProfile.background_checked.is_(False),
        )
    elif status == CheckStatus.NOT_DONE:
        query = query.where(
            MentorProfile.background_check_declared.is_(False),
            MentorProfile.background_checked.is_(False),
        )
    return query


def mentors_total(query: Select, *, whole_list: bool) -> int:
    """How many mentors `query` lists; the whole list's count is kept until the program changes.

    A filtered count is not kept: whether a check has lapsed depends on the time of day.
    """
    count = select(func.count()).select_from(query.order_by(None).subquery())
    if not whole_list:
        return db.session.scalar(count)
    return kept_figures.kept("mentors", lambda: {"total": db.session.scalar(count)})["total"]


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored one is UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _mark_confirmed(profile: MentorProfile, now: datetime) -> None:
    profile.background_checked = True
    profile.background_checked_at = now
    profile.background_check_expires_at = now + timedelta(days=valid_days())
    profile.background_check_withdrawn_at = None
    profile.background_check_lapse_reported_at = None


def _clear(profile: MentorProfile) -> None:
    """Withdraw a confirmation; a check that was confirmed is reported to the admins once."""
    if profile.background_checked:
        profile.background_check_withdrawn_at = utcnow()
        profile.background_check_lapse_reported_at = None
    profile.background_checked = False
    profile.background_checked_at = None
    profile.background_checked_by = None
    profile.background_check_expires_at = None
