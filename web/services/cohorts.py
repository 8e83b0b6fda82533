"""Cohorts, the program intakes that rounds match: creating, editing, registration, archiving."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    Cohort,
    MatchRound,
    Mentorship,
    MentorshipStatus,
    RoundStatus,
    User,
)
from web.models.base import utcnow
from web.services import audit, minors

_LIVE = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)
_UNFINISHED = (RoundStatus.QUEUED, RoundStatus.RUNNING)


class CohortNameTaken(DomainError):
    """Another cohort already has this name."""


class CohortArchived(DomainError):
    """The cohort is archived: it is read-only."""


def create_cohort(
    name: str,
    *,
    created_by: User,
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    registration_open: bool = True,
) -> Cohort:
    """Store a new cohort with a unique name and dates in order."""
    name = name.strip()
    _check_name_and_dates(name, starts_on, ends_on)
    cohort = Cohort(
        name=name,
        description=description.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        registration_open=registration_open,
    )
    db.session.add(cohort)
    db.session.flush()
    audit.record(created_by, "cohort.created", cohort, name=name)
    return cohort


def update_cohort(
    cohort: Cohort,
    actor: User,
    *,
    name: str,
    description: str,
    starts_on: date | None,
    ends_on: date | None,
) -> None:
    """Change a cohort's name, dates and description (refused once archived)."""
    ensure_not_archived(cohort, actor, "edit")
    name = name.strip()
    _check_name_and_dates(name, starts_on, ends_on, cohort.id)
    before = {
        "name": cohort.name,
        "starts_on": str(cohort.starts_on),
        "ends_on": str(cohort.ends_on),
    }
    start_moved = cohort.starts_on != starts_on
    cohort.name, cohort.description = name, description.strip()
    cohort.starts_on, cohort.ends_on = starts_on, ends_on
    if start_moved:
        # Who is a minor is measured at the cohort's start: a new start can change it.
        minors.recompute_cohort(cohort)
    audit.record(actor, "cohort.updated", cohort, before=before, name=name)
    db.session.flush()


def set_registration(cohort: Cohort, actor: User, *, open_: bool) -> None:
    """Open or close registration: apprentices can choose only open cohorts."""
    ensure_not_archived(cohort, actor, "open registration" if open_ else "close registration")
    if cohort.registration_open == open_:
        state = "open" if open_ else "closed"
        raise DomainError(f"Registration for {cohort.name} is already {state}.")
    cohort.registration_open = open_
    action = "cohort.registration_opened" if open_ else "cohort.registration_closed"
    audit.record(actor, action, cohort)
    db.session.flush()


def archive_cohort(cohort: Cohort, actor: User) -> None:
    """Archive a finished cohort: no rounds, registration or edits from now; reports keep it."""
    ensure_not_archived(cohort, actor, "archive")
    if _has(
        select(MatchRound.id).where(
            MatchRound.cohort_id == cohort.id, MatchRound.status.in_(_UNFINISHED)
        )
    ):
        raise DomainError("A round of this cohort is still running. Wait for it before archiving.")
    live = db.session.scalar(
        select(func.count())
        .select_from(Mentorship)
        .join(Mentorship.apprentice)
        .where(Mentorship.status.in_(_LIVE), ApprenticeProfile.cohort_id == cohort.id)
    )
    if live:
        raise DomainError(
            f"{live} mentorship{'s' if live != 1 else ''} of this cohort still run. "
            "End them from the mentorships page before archiving the cohort."
        )
    cohort.archived_at = utcnow()
    cohort.registration_open = False
    audit.record(actor, "cohort.archived", cohort)
    db.session.flush()


def ensure_not_archived(cohort: Cohort, actor: User | None, attempted: str) -> None:
    """Raise CohortArchived (and record the refused attempt) if the cohort is archived."""
    if not cohort.archived:
        return
    audit.record(actor, "cohort.change_refused", cohort, attempted=attempted)
    db.session.flush()
    raise CohortArchived(
        f"The cohort {cohort.name} is archived and read-only, so nothing was changed "
        f"(you tried to {attempted}). Its reports stay available."
    )


def _check_name_and_dates(
    name: str, starts_on: date | None, ends_on: date | None, cohort_id: int | None = None
) -> None:
    same_name = select(Cohort.id).where(func.lower(Cohort.name) == name.lower())
    if cohort_id is not None:
        same_name = same_name.where(Cohort.id != cohort_id)
    if _has(same_name):
        raise CohortNameTaken("A cohort with this name already exists. Choose another name.")
    if starts_on and ends_on and ends_on <= starts_on:
        raise DomainError("The cohort must end after it starts.")


def _has(query) -> bool:
    return db.session.scalar(query.limit(1)) is not None
