"""Periodic emails of the program year, each sent at most once for the period it serves."""

from __future__ import annotations

import logging
from datetime import date
from email.message import EmailMessage

from sqlalchemy import select

from web.extensions import db
from web.models import ReminderSent, User
from web.services import audit
from web.services.notifications import deliver

logger = logging.getLogger(__name__)


def already_sent(kind: str, subject_key: str, recipient: User, period: str) -> bool:
    """True if this email went to `recipient` for `period` already."""
    return (
        db.session.scalar(
            select(ReminderSent.id).where(
                ReminderSent.kind == kind,
                ReminderSent.subject_key == subject_key,
                ReminderSent.recipient_id == recipient.id,
                ReminderSent.period == period,
            )
        )
        is not None
    )


def send_once(
    kind: str,
    subject_key: str,
    recipient: User,
    period: str,
    message: EmailMessage,
    today: date | None = None,
) -> bool:
    """Deliver `message` unless it went out for `period` already; record and audit it."""
    if already_sent(kind, subject_key, recipient, period):
        return False
    db.session.add(
        ReminderSent(
            kind=kind,
            subject_key=subject_key,
            recipient_id=recipient.id,
            period=period,
            sent_on=today or date.today(),
        )
    )
    db.session.flush()  # the unique row first: a second sender fails here, before sending
    deliver(message)
    audit.record(
        None, "reminder.sent", recipient, kind=kind, subject_key=subject_key, period=period
    )
    return True
