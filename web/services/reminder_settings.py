"""Per cohort, the days after which a mentor who has not answered is nudged, then escalated."""

from __future__ import annotations

import logging

from web.errors_domain import DomainError
from web.extensions import db
from web.models import Cohort, CohortReminderSettings, User
from web.services import audit

logger = logging.getLogger(__name__)
DEFAULT_NUDGE_DAYS, DEFAULT_ESCALATE_DAYS = 7, 14
MAX_DAYS = 60


class ReminderSettingsRefused(DomainError):
    """The days given do not make a sensible reminder schedule."""


def reminder_days(cohort_id: int) -> tuple[int, int]:
    """(N, M) of a cohort: days before a mentor's nudge, and before the coordinator is told."""
    settings = db.session.get(CohortReminderSettings, cohort_id)
    if settings is None:
        return DEFAULT_NUDGE_DAYS, DEFAULT_ESCALATE_DAYS
    return settings.nudge_after_days, settings.escalate_after_days


def set_reminder_days(cohort: Cohort, nudge_days: int, escalate_days: int, actor: User) -> None:
    """Store N and M for `cohort`; M must come after N."""
    if not 1 <= nudge_days <= MAX_DAYS or not 1 <= escalate_days <= MAX_DAYS:
        raise ReminderSettingsRefused(f"Choose days from 1 to {MAX_DAYS}.")
    if escalate_days <= nudge_days:
        raise ReminderSettingsRefused("Tell the coordinators later than the mentor's reminder.")
    settings = db.session.get(CohortReminderSettings, cohort.id)
    if settings is None:
        settings = CohortReminderSettings(cohort_id=cohort.id)
        db.session.add(settings)
    before = reminder_days(cohort.id)
    settings.nudge_after_days, settings.escalate_after_days = nudge_days, escalate_days
    audit.record(
        actor,
        "cohort.reminder_days",
        cohort,
        before=list(before),
        after=[nudge_days, escalate_days],
    )
    db.session.flush()
