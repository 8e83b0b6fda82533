"""Whether hired apprentices are still employed 6 and 12 months after the hire.

The daily job makes each check once it is due and asks the coordinators and the
apprentice's partner, once, to record it; a coordinator or that partner records the answer.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta
from email.message import EmailMessage

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import defaultload, joinedload, selectinload

from web.errors_domain import DomainError
from web.extensions import db
from web.language import speaking
from web.models import (
    RETENTION_MONTHS,
    ApprenticeProfile,
    Outcome,
    OutcomeKind,
    RetentionCheck,
    User,
)
from web.models.base import LARGEST_ID
from web.services import audit
from web.services.decline_notices import partner_addresses
from web.services.email_preferences import required_email
from web.services.notifications import absolute_url
from web.services.paging import Page, paginate
from web.services.reminders import DueEmail, coordinators

logger = logging.getLogger(__name__)
KIND = "retention_check"
SIX_MONTHS_AT_LEAST = timedelta(days=181)


class RetentionCheckNotFound(DomainError):
    """No such check, or it is about another partner's apprentice: both look the same."""


class RetentionCheckRefused(DomainError):
    """The answer cannot be recorded as given."""


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def create_due_checks(today: date) -> list[RetentionCheck]:
    """Make every check due by `today` that does not exist yet (safe to run again)."""
    hires = db.session.scalars(
        select(Outcome)
        # Six months are at least 181 days; the exact day is checked for each hire below.
        .where(
            Outcome.kind == OutcomeKind.HIRED, Outcome.occurred_on <= today - SIX_MONTHS_AT_LEAST
        )
        .options(selectinload(Outcome.retention_checks))
        .order_by(Outcome.id)
    )
    made = []
    for hire in hires:
        made += [_new_check(hire, m) for m in _due_months(hire, today)]
    db.session.flush()
    return made


def _due_months(hire: Outcome, today: date) -> list[int]:
    existing = {check.months: check for check in hire.retention_checks}
    due = []
    for months in RETENTION_MONTHS:
        earlier = [c for m, c in existing.items() if m < months]
        if any(c.still_employed is False for c in earlier):
            break  # someone who left is not asked about again
        if months not in existing and months_after(hire.occurred_on, months) <= today:
            due.append(months)
    return due


def _new_check(hire: Outcome, months: int) -> RetentionCheck:
    check = RetentionCheck(months=months, due_on=months_after(hire.occurred_on, months))
    hire.retention_checks.append(check)
    return check


def requests_due(today: date) -> list[DueEmail]:
    """Emails asking to record each unanswered check nobody was asked about yet."""
    due = []
    staff = coordinators()
    for check in _unrequested_checks():
        key = str(check.id)
        due += [DueEmail(KIND, key, c, "once", _request_writer(check, c)) for c in staff]
        partner = check.outcome.apprentice.partner
        if partner_addresses(partner):
            due.append(DueEmail(KIND, key, partner, "once", _request_writer(check, partner)))
    return due


def mark_requested(today: date) -> int:
    """Note that every check waiting for a request has been asked about on `today`."""
    checks = _unrequested_checks()
    for check in checks:
        check.requested_on = today
    db.session.flush()
    return len(checks)


def _unrequested_checks() -> list[RetentionCheck]:
    return list(
        db.session.scalars(
            select(RetentionCheck)
            .where(RetentionCheck.requested_on.is_(None), RetentionCheck.still_employed.is_(None))
            .order_by(RetentionCheck.id)
            .options(
                joinedload(RetentionCheck.outcome)
                .joinedload(Outcome.apprentice)
                .joinedload(ApprenticeProfile.partner),
                joinedload(RetentionCheck.outcome)
                .joinedload(Outcome.apprentice)
                .joinedload(ApprenticeProfile.user),
            )
        )
    )


def _request_writer(check: RetentionCheck, recipient):
    def write() -> EmailMessage:
        with speaking(recipient.language if isinstance(recipient, User) else None):
            return _request_email(check, recipient)

    return write


def _request_email(check: RetentionCheck, recipient) -> EmailMessage:
    outcome = check.outcome
    name = outcome.apprentice.display_name
    if isinstance(recipient, User):
        to, greeting = [recipient.email], _("Hello %(name)s,", name=recipient.name)
        why = _("you coordinate the Pathways program.")
    else:
        to, greeting = partner_addresses(recipient), _("Hello %(name)s team,", name=recipient.name)
        why = _("you are the program contact of this apprentice's institution.")
    lines = [
        greeting,
        "",
        _(
            "%(name)s was hired as %(title)s in the %(department)s on %(day)s.",
            name=name,
            title=outcome.job_title,
            department=outcome.department,
            day=outcome.occurred_on.isoformat(),
        ),
        _(
            "It is now %(months)s months later: please record whether they still work there.",
            months=check.months,
        ),
        absolute_url("outcomes.record_retention", check_id=check.id),
    ]
    subject = _(
        "Pathways: is %(name)s still employed %(months)s months after the hire?",
        name=name,
        months=check.months,
    )
    return required_email(to, subject, lines, why)


def check_in_scope(check_id: int, partner_id: int | None) -> RetentionCheck:
    """The check, if a coordinator (partner_id None) or the apprentice's own partner asks."""
    check = db.session.get(RetentionCheck, check_id) if check_id <= LARGEST_ID else None
    if check is None or (
        partner_id is not None and check.outcome.apprentice.partner_id != partner_id
    ):
        raise RetentionCheckNotFound(_("We could not find that check among your apprentices'."))
    return check


def record_answer(
    check: RetentionCheck, still_employed: bool, checked_on: date, actor: User, today: date
) -> None:
    """Record whether the apprentice still works in the job; a second answer corrects it."""
    if checked_on > today:
        raise RetentionCheckRefused(_("The date cannot be in the future."))
    if checked_on < check.outcome.occurred_on:
        raise RetentionCheckRefused(_("The date cannot be before the hire."))
    previous = check.still_employed
    check.still_employed = still_employed
    check.checked_on = checked_on
    check.checked_by = actor
    db.session.flush()
    audit.record(
        actor,
        "retention_check.recorded",
        check,
        outcome_id=check.outcome_id,
        months=check.months,
        still_employed=still_employed,
        previous=previous,
    )


def checks_query(partner_id: int | None, answered: bool) -> Select:
    """Checks in scope: unanswered first due first, or answered most recent first."""
    query = select(RetentionCheck).join(Outcome).join(ApprenticeProfile)
    if partner_id is not None:
        query = query.where(ApprenticeProfile.partner_id == partner_id)
    if answered:
        return query.where(RetentionCheck.still_employed.is_not(None)).order_by(
            RetentionCheck.checked_on.desc(), RetentionCheck.id.desc()
        )
    return query.where(RetentionCheck.still_employed.is_(None)).order_by(
        RetentionCheck.due_on, RetentionCheck.id
    )


def checks_page(partner_id: int | None, answered: bool, number: int, per_page: int) -> Page:
    """One page of checks, each with its hire, apprentice and partner loaded."""
    query = checks_query(partner_id, answered).options(
        joinedload(RetentionCheck.outcome)
        .joinedload(Outcome.apprentice)
        .joinedload(ApprenticeProfile.user),
        joinedload(RetentionCheck.outcome)
        .joinedload(Outcome.apprentice)
        .joinedload(ApprenticeProfile.partner),
        # The list names the apprentice and their partner; their skills are not shown.
        defaultload(RetentionCheck.outcome)
        .defaultload(Outcome.apprentice)
        .lazyload(ApprenticeProfile.skills),
        joinedload(RetentionCheck.checked_by),
    )
    return paginate(query, number, per_page)
