"""Creating cohorts, the program intakes that rounds match."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from web.errors_domain import DomainError
from web.extensions import db
from web.models import Cohort, User
from web.services import audit


class CohortNameTaken(DomainError):
    """Another cohort already has this name."""


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
    if db.session.scalar(select(Cohort.id).where(func.lower(Cohort.name) == name.lower())):
        raise CohortNameTaken("A cohort with this name already exists. Choose another name.")
    if starts_on and ends_on and ends_on <= starts_on:
        raise DomainError("The cohort must end after it starts.")
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
