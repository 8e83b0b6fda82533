"""What one partner institution may see: its apprentices, their cohorts and mentors.

Every query that picks apprentice data for a partner is here or in apprentice_list.py (their
list in a cohort), so the pages, the CSV export and the API share one definition of "this
partner's apprentices". Other modules (reports, export, the API) only work on what these
functions return.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    Cohort,
    Mentorship,
    MentorshipStatus,
)
from web.models.base import LARGEST_ID
from web.services.contact_details import mentor_contact_shared

STATUS_LABELS = {
    ApprenticeStatus.REGISTERED: "Registered",
    ApprenticeStatus.PROPOSED: "Proposed for a mentor",
    ApprenticeStatus.APPROVED: "Approved, waiting for the mentor",
    ApprenticeStatus.ACTIVE: "Active with a mentor",
    ApprenticeStatus.COMPLETED: "Completed the program",
    ApprenticeStatus.ENDED: "Mentorship ended early",
    ApprenticeStatus.WITHDRAWN: "Withdrawn",
}


class NotFoundForPartner(DomainError):
    """The record does not exist, or belongs to another partner; both look the same."""


@dataclass(frozen=True)
class MentorContact:
    """The mentor of a published pair, as a partner sees them."""

    name: str
    department: str
    job_title: str
    email: str | None  # None until the mentor has confirmed the match
    mentorship_status: str


@dataclass(frozen=True)
class ApprenticeRow:
    """One apprentice of the partner; withdrawn apprentices carry no personal data."""

    id: int
    cohort_id: int
    name: str
    email: str | None
    status: str
    pathways: tuple[str, ...]
    mentor: MentorContact | None

    @property
    def withdrawn(self) -> bool:
        """True once the apprentice has left the program."""
        return self.status == ApprenticeStatus.WITHDRAWN


def partner_cohorts(partner_id: int) -> list[Cohort]:
    """Cohorts in which the partner has at least one apprentice, newest first."""
    return list(
        db.session.scalars(
            select(Cohort)
            .where(_has_apprentices_in(partner_id))
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        )
    )


def get_cohort(partner_id: int, cohort_id: int) -> Cohort:
    """The cohort, if the partner has apprentices in it; otherwise NotFoundForPartner."""
    cohort = None
    if 0 < cohort_id <= LARGEST_ID:
        cohort = db.session.scalar(
            select(Cohort).where(
                Cohort.id == cohort_id,
                _has_apprentices_in(partner_id),
            )
        )
    if cohort is None:
        raise NotFoundForPartner("We could not find that cohort among your apprentices.")
    return cohort


def latest_mentorship_id(apprentice_id):
    """SQL: the id of the apprentice's latest published mentorship the mentor did not decline.

    Correlated to the apprentice, so the database looks up one apprentice's mentorships (by
    index) rather than grouping every mentorship of the program.
    """
    other = aliased(Mentorship)
    return (
        select(func.max(other.id))
        .where(other.apprentice_id == apprentice_id, other.status != MentorshipStatus.DECLINED)
        .scalar_subquery()
    )


def get_apprentice(partner_id: int, apprentice_id: int) -> ApprenticeProfile:
    """The partner's apprentice with that id; another partner's is NotFoundForPartner."""
    apprentice = None
    if 0 < apprentice_id <= LARGEST_ID:
        apprentice = db.session.scalar(
            _apprentices(partner_id).where(ApprenticeProfile.id == apprentice_id)
        )
    if apprentice is None:
        raise NotFoundForPartner("We could not find that apprentice among yours.")
    return apprentice


def _apprentices(partner_id: int) -> Select:
    """The scoping rule itself: apprentices whose partner is `partner_id`."""
    return select(ApprenticeProfile).where(ApprenticeProfile.partner_id == partner_id)


def _has_apprentices_in(partner_id: int):
    """SQL: the partner has apprentices in the cohort; one index lookup per cohort."""
    return (
        _apprentices(partner_id)
        .with_only_columns(ApprenticeProfile.id)
        .where(ApprenticeProfile.cohort_id == Cohort.id)
        .exists()
    )


def published_mentorships(apprentice_ids: list[int]) -> dict[int, Mentorship]:
    """Apprentice id -> their latest published mentorship the mentor has not declined."""
    if not apprentice_ids:
        return {}
    mentorships = db.session.scalars(
        select(Mentorship)
        .where(
            Mentorship.apprentice_id.in_(apprentice_ids),
            Mentorship.status != MentorshipStatus.DECLINED,
        )
        .order_by(Mentorship.published_at, Mentorship.id)
    )
    return {m.apprentice_id: m for m in mentorships}


def apprentice_row(apprentice: ApprenticeProfile, mentorship: Mentorship | None) -> ApprenticeRow:
    """A list row; a withdrawn apprentice keeps only id and status."""
    user = apprentice.user
    return list_row(
        apprentice.id,
        apprentice.cohort_id,
        apprentice.status,
        apprentice.pathways,
        (user.name, user.email) if user is not None else None,
        mentorship,
    )


def list_row(
    apprentice_id: int,
    cohort_id: int,
    status: str,
    pathways: list[str],
    name_and_email: tuple[str, str] | None,
    mentorship: Mentorship | None,
) -> ApprenticeRow:
    """A list row from an apprentice's columns and (name, email), None once they have no account."""
    if status == ApprenticeStatus.WITHDRAWN or name_and_email is None:
        return ApprenticeRow(
            id=apprentice_id,
            cohort_id=cohort_id,
            name=f"Withdrawn apprentice #{apprentice_id}",
            email=None,
            status=ApprenticeStatus.WITHDRAWN,
            pathways=(),
            mentor=None,
        )
    name, email = name_and_email
    return ApprenticeRow(
        id=apprentice_id,
        cohort_id=cohort_id,
        name=name,
        email=email,
        status=status,
        pathways=tuple(pathways),
        mentor=_mentor_contact(mentorship) if mentorship else None,
    )


def _mentor_contact(mentorship: Mentorship) -> MentorContact:
    mentor = mentorship.mentor
    return MentorContact(
        name=mentor.user.name,
        department=mentor.department,
        job_title=mentor.job_title,
        email=mentor.user.email if mentor_contact_shared(mentorship) else None,
        mentorship_status=mentorship.status,
    )
