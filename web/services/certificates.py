"""The certificate of an apprentice who completed the program year, and who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from web.errors_domain import DomainError
from web.extensions import db
from web.models import ApprenticeProfile, Goal, Mentorship, MentorshipOutcome, Role, Skill, User
from web.models.base import LARGEST_ID


class NoCertificate(DomainError):
    """No completed mentorship with that id that this person may see."""


@dataclass(frozen=True)
class Certificate:
    """What the certificate says: who, with whom, in which cohort, when, and which skills."""

    mentorship_id: int
    apprentice_name: str
    mentor_first_name: str
    cohort_name: str
    partner_name: str
    started_on: date
    completed_on: date
    skills: tuple[str, ...]


def certificate_for(mentorship_id: int, viewer: User) -> Certificate:
    """The certificate of a completed mentorship, for its apprentice, a coordinator or partner."""
    mentorship = db.session.get(Mentorship, mentorship_id) if mentorship_id <= LARGEST_ID else None
    if mentorship is None or not _may_see(mentorship, viewer) or not _completed(mentorship):
        raise NoCertificate(_("There is no certificate here for you."))
    apprentice = mentorship.apprentice
    return Certificate(
        mentorship_id=mentorship.id,
        apprentice_name=apprentice.user.name,
        mentor_first_name=first_name(mentorship.mentor.user.name),
        cohort_name=apprentice.cohort.name,
        partner_name=apprentice.partner.name,
        started_on=mentorship.published_at.date(),
        completed_on=mentorship.ended_at.date(),
        skills=signed_off_skills(mentorship),
    )


def _completed(mentorship: Mentorship) -> bool:
    return (
        mentorship.end_outcome == MentorshipOutcome.COMPLETED
        and mentorship.ended_at is not None
        and mentorship.apprentice.user is not None  # erased data leaves no certificate
    )


def _may_see(mentorship: Mentorship, viewer: User) -> bool:
    if viewer.role == Role.COORDINATOR:
        return True
    if viewer.role == Role.PARTNER:
        return (
            viewer.partner_id is not None and viewer.partner_id == mentorship.apprentice.partner_id
        )
    return viewer.role == Role.APPRENTICE and mentorship.apprentice.user_id == viewer.id


def first_name(name: str) -> str:
    """The first word of a full name."""
    return name.split()[0] if name.split() else name


def signed_off_skills(mentorship: Mentorship) -> tuple[str, ...]:
    """Labels of the skills of the goals the mentor signed off as met, each once, sorted."""
    met = db.session.scalars(
        select(Goal.skill_ids).where(Goal.mentorship_id == mentorship.id, Goal.met_at.is_not(None))
    )
    skill_ids = {skill_id for ids in met for skill_id in (ids or [])}
    if not skill_ids:
        return ()
    labels = db.session.scalars(select(Skill.label).where(Skill.id.in_(skill_ids)))
    return tuple(sorted(labels))


def completed_mentorship_of(user: User) -> Mentorship | None:
    """The apprentice's latest completed mentorship, whose certificate they can open."""
    profile = user.apprentice_profile
    return completed_mentorship_of_profile(profile) if profile else None


def completed_mentorship_of_profile(profile: ApprenticeProfile) -> Mentorship | None:
    """The latest completed mentorship of an apprentice whose data is kept, if any."""
    if profile.user_id is None:
        return None
    return db.session.scalar(
        select(Mentorship)
        .where(
            Mentorship.apprentice_id == profile.id,
            Mentorship.end_outcome == MentorshipOutcome.COMPLETED,
        )
        .order_by(Mentorship.ended_at.desc(), Mentorship.id.desc())
    )
