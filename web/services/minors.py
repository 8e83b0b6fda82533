"""Who is a minor: under 18 on the day their cohort starts, worked out from the date of birth."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from web.extensions import db
from web.models import ApprenticeProfile, Cohort, User

ADULT_AGE = 18
OLDEST_AGE = 100
YOUNGEST_AGE = 10


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on `day`."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def reference_day(cohort: Cohort | None, today: date | None = None) -> date:
    """The day age is measured on: the cohort's start, or today for a cohort without one."""
    starts_on = cohort.starts_on if cohort else None
    return starts_on or today or date.today()


def is_minor_on(date_of_birth: date | None, day: date) -> bool:
    """True if someone born on `date_of_birth` is under 18 on `day` (unknown: not a minor)."""
    return date_of_birth is not None and age_on(date_of_birth, day) < ADULT_AGE


def date_of_birth_problem(date_of_birth: date, today: date | None = None) -> str | None:
    """Why a date of birth cannot be right, or None if it is plausible."""
    today = today or date.today()
    if date_of_birth > today:
        return _("The date of birth is in the future. Enter it as year, month and day.")
    if age_on(date_of_birth, today) < YOUNGEST_AGE:
        return _("Apprentices are at least %(age)d years old. Check the year.", age=YOUNGEST_AGE)
    if age_on(date_of_birth, today) > OLDEST_AGE:
        return _("Check the year of the date of birth.")
    return None


def derive_minor(profile: ApprenticeProfile, today: date | None = None) -> None:
    """Set the stored `is_minor` from the date of birth and the cohort's start."""
    if profile.date_of_birth is None:
        return  # registered before dates of birth were asked: the stored answer stands
    profile.is_minor = is_minor_on(profile.date_of_birth, reference_day(profile.cohort, today))


def recompute_cohort(cohort: Cohort) -> int:
    """Derive `is_minor` again for the cohort's apprentices (after its start date changed)."""
    profiles = db.session.scalars(
        select(ApprenticeProfile).where(
            ApprenticeProfile.cohort_id == cohort.id, ApprenticeProfile.date_of_birth.is_not(None)
        )
    ).all()
    for profile in profiles:
        derive_minor(profile)
    db.session.flush()
    return len(profiles)


def guardian_cc(profile: ApprenticeProfile | None) -> list[str]:
    """The address to copy on an email to this apprentice: their guardian's, for a minor."""
    if profile is None or not profile.is_minor or not profile.guardian_email:
        return []
    return [profile.guardian_email]


def guardian_copies(addresses: list[str]) -> list[str]:
    """The guardians to copy on an email to `addresses`: those of the minors among them."""
    lowered = [address.lower() for address in addresses]
    guardians = db.session.scalars(
        select(ApprenticeProfile.guardian_email)
        .join(User, ApprenticeProfile.user_id == User.id)
        .where(
            func.lower(User.email).in_(lowered),
            ApprenticeProfile.is_minor.is_(True),
            ApprenticeProfile.guardian_email != "",
        )
    )
    return sorted({g for g in guardians if g.lower() not in lowered})
