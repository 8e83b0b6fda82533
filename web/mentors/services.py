"""Mentor rules: registering, changing the offer for the next round, finding mentorships."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload, selectinload

from web.auth.services import create_user
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    MentorSkill,
    Role,
)
from web.profile_fields import apply_details
from web.services import audit, background_checks, email_verification, vetting

_ORDER = case(
    {
        MentorshipStatus.AWAITING_MENTOR: 0,
        MentorshipStatus.ACTIVE: 1,
        MentorshipStatus.DECLINED: 2,
        MentorshipStatus.ENDED: 3,
    },
    value=Mentorship.status,
    else_=4,
)


def register_mentor(
    *, name: str, email: str, password: str, details: dict, language: str | None = None
) -> MentorProfile:
    """Create the mentor's account and profile; raise EmailTaken if the email is in use.

    The offer waits for vetting, and the address for its verification link; `language`, the
    one the form was filled in, is kept for the account's pages and emails.
    """
    user = create_user(
        email=email, name=name, password=password, role=Role.MENTOR, language=language
    )
    profile = MentorProfile(user=user)
    db.session.add(profile)
    _apply(profile, details)
    vetting.self_registered(profile)
    db.session.flush()
    audit.record(user, "mentor.registered", profile)
    email_verification.request_verification(user)
    return profile


def update_mentor_profile(profile: MentorProfile, details: dict) -> None:
    """Change what the mentor offers; matching rounds from now on use the new answers."""
    _apply(profile, details)
    db.session.flush()
    audit.record(profile.user, "mentor.profile_updated", profile, capacity=profile.capacity)


def _apply(profile: MentorProfile, details: dict) -> None:
    apply_details(profile, details, MentorSkill)
    background_checks.mentor_answered(profile)


def mentorships_of(profile: MentorProfile) -> list[Mentorship]:
    """The mentor's mentorships, those waiting for an answer first."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.mentor_id == profile.id)
            .order_by(_ORDER, Mentorship.published_at.desc())
            # The dashboard shows each apprentice's name, partner and skills, and check-ins;
            # the pair's decision says whether their contact details may be shown.
            .options(
                joinedload(Mentorship.match),
                joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.user),
                joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.partner),
                joinedload(Mentorship.apprentice).selectinload(ApprenticeProfile.skills),
                selectinload(Mentorship.check_ins),
            )
        )
    )


def own_mentorship(profile: MentorProfile, mentorship_id: int) -> Mentorship | None:
    """The mentorship with this id if it belongs to the mentor, else None."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None or mentorship.mentor_id != profile.id:
        return None
    return mentorship
