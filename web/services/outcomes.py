"""What apprentices did after the program: recorded by a coordinator or their partner.

A partner sees and changes only its own apprentices' outcomes; another partner's apprentice
or outcome is `OutcomeNotFound`, exactly like one that does not exist.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    Outcome,
    OutcomeKind,
    OutcomeSource,
    User,
)
from web.models.base import LARGEST_ID, utcnow
from web.services import audit, city_titles
from web.services.paging import Page, paginate

logger = logging.getLogger(__name__)

KIND_LABELS = {
    OutcomeKind.APPLIED: _l("Applied to a city job"),
    OutcomeKind.HIRED: _l("Hired by the city"),
    OutcomeKind.CONTINUED_STUDY: _l("Continued study"),
    OutcomeKind.OTHER: _l("Other"),
}
CITY_JOB_KINDS = (OutcomeKind.APPLIED, OutcomeKind.HIRED)
FINISHED = (ApprenticeStatus.COMPLETED, ApprenticeStatus.ENDED)
NOTE_LIMIT = 2000


class OutcomeNotFound(DomainError):
    """No such apprentice or outcome, or it belongs to another partner: both look the same."""


class OutcomeRefused(DomainError):
    """An outcome's answers break a rule; `field` names the answer to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OutcomeAnswers:
    """What someone says happened: the kind, the city position if any, the date, a note."""

    kind: str
    department: str
    job_title: str
    occurred_on: date | None
    note: str = ""


def checked(answers: OutcomeAnswers, today: date) -> OutcomeAnswers:
    """The answers with the position spelled as the city's list does; OutcomeRefused if wrong."""
    if answers.kind not in KIND_LABELS:
        raise OutcomeRefused("kind", _("Choose what happened."))
    if answers.occurred_on is None:
        raise OutcomeRefused("occurred_on", _("Enter the date it happened."))
    if answers.occurred_on > today:
        raise OutcomeRefused("occurred_on", _("The date cannot be in the future."))
    if len(answers.note) > NOTE_LIMIT:
        raise OutcomeRefused("note", _("Keep the note under 2,000 characters."))
    department, title = _position(answers)
    return OutcomeAnswers(answers.kind, department, title, answers.occurred_on, answers.note)


def _position(answers: OutcomeAnswers) -> tuple[str, str]:
    if answers.kind not in CITY_JOB_KINDS:
        return "", ""  # a position only describes a city job
    if not answers.department and not answers.job_title:
        if answers.kind == OutcomeKind.HIRED:
            raise OutcomeRefused("position", _("Choose the department and job title of the hire."))
        return "", ""
    position = city_titles.canonical_position(answers.department, answers.job_title)
    if position is None:
        raise OutcomeRefused(
            "position",
            _(
                "“%(title)s” in “%(department)s” is not on the city's list of titles. "
                "Choose a department and title from the list.",
                title=answers.job_title,
                department=answers.department,
            ),
        )
    return position


def apprentice_in_scope(apprentice_id: int, partner_id: int | None) -> ApprenticeProfile:
    """The apprentice, if the coordinator (partner_id None) or their own partner asks."""
    apprentice = (
        db.session.get(ApprenticeProfile, apprentice_id) if apprentice_id <= LARGEST_ID else None
    )
    if apprentice is None or (partner_id is not None and apprentice.partner_id != partner_id):
        raise OutcomeNotFound(_("We could not find that apprentice among yours."))
    return apprentice


def outcome_in_scope(outcome_id: int, partner_id: int | None) -> Outcome:
    """The outcome, if the coordinator or the apprentice's own partner asks."""
    outcome = db.session.get(Outcome, outcome_id) if outcome_id <= LARGEST_ID else None
    if outcome is None or (partner_id is not None and outcome.apprentice.partner_id != partner_id):
        raise OutcomeNotFound(_("We could not find that outcome among your apprentices'."))
    return outcome


def add_outcome(
    apprentice: ApprenticeProfile,
    answers: OutcomeAnswers,
    actor: User,
    today: date,
    source: OutcomeSource = OutcomeSource.MANUAL,
) -> Outcome:
    """Record what the apprentice did next."""
    answers = checked(answers, today)
    outcome = Outcome(apprentice=apprentice, entered_by=actor, source=source)
    _fill(outcome, answers)
    db.session.add(outcome)
    db.session.flush()
    audit.record(
        actor,
        "outcome.recorded",
        outcome,
        apprentice_id=apprentice.id,
        kind=outcome.kind,
        source=str(source),
    )
    return outcome


def change_outcome(outcome: Outcome, answers: OutcomeAnswers, actor: User, today: date) -> bool:
    """Correct an outcome; a hire's unanswered retention checks follow its new date or kind."""
    answers = checked(answers, today)
    before = _values(outcome)
    _fill(outcome, answers)
    if _values(outcome) == before:
        return False
    outcome.updated_at = utcnow()
    after = _values(outcome)
    if (before["kind"], before["occurred_on"]) != (after["kind"], after["occurred_on"]):
        for check in list(outcome.retention_checks):
            if check.still_employed is None:
                outcome.retention_checks.remove(check)  # the daily job makes them again, on time
    db.session.flush()
    changed = {
        name: [old, new]
        for (name, old), new in zip(before.items(), after.values(), strict=True)
        if old != new
    }
    audit.record(
        actor, "outcome.changed", outcome, apprentice_id=outcome.apprentice_id, changed=changed
    )
    return True


def _fill(outcome: Outcome, answers: OutcomeAnswers) -> None:
    outcome.kind = answers.kind
    outcome.department = answers.department
    outcome.job_title = answers.job_title
    outcome.occurred_on = answers.occurred_on
    outcome.note = answers.note.strip()


def _values(outcome: Outcome) -> dict[str, str]:
    return {
        "kind": outcome.kind,
        "department": outcome.department,
        "job_title": outcome.job_title,
        "occurred_on": outcome.occurred_on.isoformat() if outcome.occurred_on else "",
        "note": outcome.note,
    }


def outcomes_of(apprentice: ApprenticeProfile) -> list[Outcome]:
    """The apprentice's outcomes, newest first, with their retention checks."""
    return list(
        db.session.scalars(
            select(Outcome)
            .where(Outcome.apprentice_id == apprentice.id)
            .order_by(Outcome.occurred_on.desc(), Outcome.id.desc())
            .options(selectinload(Outcome.retention_checks), joinedload(Outcome.entered_by))
        )
    )


def finished_apprentices(partner_id: int | None, cohort_id: int | None) -> Select:
    """Apprentices whose program year is over, in the scope asked for."""
    query = select(ApprenticeProfile).where(ApprenticeProfile.status.in_(FINISHED))
    if partner_id is not None:
        query = query.where(ApprenticeProfile.partner_id == partner_id)
    if cohort_id:
        query = query.where(ApprenticeProfile.cohort_id == cohort_id)
    return query


def finished_page(
    partner_id: int | None, cohort_id: int | None, number: int, per_page: int
) -> Page:
    """One page of finished apprentices, each with their outcomes loaded."""
    query = (
        finished_apprentices(partner_id, cohort_id)
        .order_by(ApprenticeProfile.cohort_id.desc(), ApprenticeProfile.id)
        # The list names each apprentice, their partner and cohort; skills are not shown.
        .options(
            joinedload(ApprenticeProfile.user),
            joinedload(ApprenticeProfile.partner),
            joinedload(ApprenticeProfile.cohort),
            lazyload(ApprenticeProfile.skills),
        )
    )
    page = paginate(query, number, per_page)
    by_apprentice = outcomes_by_apprentice([a.id for a in page.items])
    rows = [(a, by_apprentice.get(a.id, [])) for a in page.items]
    return dataclasses.replace(page, items=rows)


def outcomes_by_apprentice(apprentice_ids: list[int]) -> dict[int, list[Outcome]]:
    """Apprentice id -> their outcomes, newest first, in one query."""
    if not apprentice_ids:
        return {}
    result: dict[int, list[Outcome]] = {}
    for outcome in db.session.scalars(
        select(Outcome)
        .where(Outcome.apprentice_id.in_(apprentice_ids))
        .order_by(Outcome.occurred_on.desc(), Outcome.id.desc())
    ):
        result.setdefault(outcome.apprentice_id, []).append(outcome)
    return result
