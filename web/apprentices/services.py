"""Apprentice rules: registering, changing the profile until matched, the status page."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.auth.services import create_user
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeSkill,
    ApprenticeStatus,
    Cohort,
    Role,
)
from web.profile_fields import apply_details
from web.services import audit, email_verification, guardians, minors

EDITABLE = (ApprenticeStatus.REGISTERED, ApprenticeStatus.PROPOSED)
STEPS = (
    (ApprenticeStatus.REGISTERED, _l("Registered")),
    (ApprenticeStatus.PROPOSED, _l("Mentor suggested")),
    (ApprenticeStatus.APPROVED, _l("Match approved")),
    (ApprenticeStatus.ACTIVE, _l("Working with your mentor")),
)


class ProfileLocked(DomainError):
    """The apprentice is matched; their profile no longer changes."""


class RegistrationClosed(DomainError):
    """The chosen cohort is not taking registrations."""


def register_apprentice(
    *,
    name: str,
    email: str,
    password: str,
    partner_id: int,
    cohort_id: int,
    details: dict,
    language: str | None = None,
) -> ApprenticeProfile:
    """Create the apprentice's account and profile; raise EmailTaken or RegistrationClosed.

    `language` is the one the form was filled in: the account's pages and emails keep it.
    """
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not cohort.registration_open or cohort.archived:
        raise RegistrationClosed(_("This cohort is not taking registrations. Choose another."))
    user = create_user(
        email=email,
        name=name,
        password=password,
        role=Role.APPRENTICE,
        email_verified=False,  # counts once the emailed link is opened
        language=language,
    )
    # Linked by id: the account was just inserted, so the ORM need not look for its profile.
    profile = ApprenticeProfile(user_id=user.id, partner_id=partner_id, cohort=cohort)
    db.session.add(profile)
    _apply(profile, details)
    db.session.flush()
    audit.record(user, "apprentice.registered", profile)
    email_verification.send_first_link(user)
    guardians.request_if_needed(profile, user)
    return profile


def update_apprentice_profile(profile: ApprenticeProfile, details: dict) -> None:
    """Change the profile; refused once the apprentice's match is approved."""
    ensure_editable(profile)
    _apply(profile, details)
    db.session.flush()
    audit.record(profile.user, "apprentice.profile_updated", profile)
    guardians.request_if_needed(profile, profile.user)


def ensure_editable(profile: ApprenticeProfile) -> None:
    """Raise ProfileLocked unless the apprentice is still waiting for a match."""
    if profile.status not in EDITABLE:
        raise ProfileLocked(
            _(
                "Your match is already approved, so your profile can no longer be changed "
                "here. Please contact the program coordinator if something important has "
                "changed."
            )
        )


def _apply(profile: ApprenticeProfile, details: dict) -> None:
    """Store the answers; "minor" follows from the date of birth, and only a minor's guardian
    is kept."""
    values = dict(details)
    guardian = values.pop("guardian_name", ""), values.pop("guardian_email", "")
    apply_details(profile, values, ApprenticeSkill)
    minors.derive_minor(profile)
    guardians.guardian_changed(profile, *(guardian if profile.is_minor else ("", "")))


def step_index(profile: ApprenticeProfile) -> int:
    """How far along the registered → active steps the apprentice is (-1 if off the path)."""
    for index, (status, _label) in enumerate(STEPS):
        if profile.status == status:
            return index
    return -1
