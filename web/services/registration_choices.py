"""What the registration and profile forms offer: partners, cohorts taking registrations, skills.

Both registration pages read them on every view, and a city's sign-up weeks bring thousands
of views, so they are kept with the set-up's version (web/services/kept_figures.py): one
statement a view while no partner, cohort or skill changes, read once per transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from web.extensions import db
from web.models import Cohort, PartnerInstitution, Skill
from web.services import kept_figures


@dataclass(frozen=True)
class SkillChoice:
    """A skill of the taxonomy, as the forms list it."""

    id: int
    key: str
    label: str
    category: str


@dataclass(frozen=True)
class CohortChoice:
    """A cohort whose registration is open, archived or not."""

    id: int
    name: str
    starts_on: date | None
    archived: bool


@dataclass(frozen=True)
class RegistrationChoices:
    """Active partners by name, open cohorts by start then name, skills by category."""

    partners: list[tuple[int, str]]
    cohorts: list[CohortChoice]
    skills: list[SkillChoice]


_READ_IN_TRANSACTION = "registration_choices"


def registration_choices() -> RegistrationChoices:
    """The choices as of the set-up's current version, read once per transaction."""
    if (choices := db.session.info.get(_READ_IN_TRANSACTION)) is None:
        kept = kept_figures.kept("registration choices", _read, kept_figures.SETUP)
        choices = db.session.info[_READ_IN_TRANSACTION] = RegistrationChoices(
            partners=[(partner_id, name) for partner_id, name in kept["partners"]],
            cohorts=[
                CohortChoice(cohort_id, name, starts and date.fromisoformat(starts), archived)
                for cohort_id, name, starts, archived in kept["cohorts"]
            ],
            skills=[SkillChoice(*row) for row in kept["skills"]],
        )
    return choices


def skill_choices() -> list[SkillChoice]:
    """Every skill, grouped by category for the forms."""
    return registration_choices().skills


def _read() -> dict:
    partners = db.session.execute(
        select(PartnerInstitution.id, PartnerInstitution.name)
        .where(PartnerInstitution.active)
        .order_by(PartnerInstitution.name)
    )
    cohorts = db.session.execute(
        select(Cohort.id, Cohort.name, Cohort.starts_on, Cohort.archived_at.is_not(None))
        .where(Cohort.registration_open)
        .order_by(Cohort.starts_on, Cohort.name)
    )
    skills = db.session.execute(
        select(Skill.id, Skill.key, Skill.label, Skill.category).order_by(Skill.category, Skill.id)
    )
    return {
        "partners": [list(row) for row in partners],
        "cohorts": [
            [cohort_id, name, starts and starts.isoformat(), archived]
            for cohort_id, name, starts, archived in cohorts
        ],
        "skills": [list(row) for row in skills],
    }


@event.listens_for(Session, "after_transaction_end")
def _forget_choices(session: Session, transaction) -> None:
    session.info.pop(_READ_IN_TRANSACTION, None)
