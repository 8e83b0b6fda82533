"""Sending a round's emails one by one: a bad one is recorded as failed, the others go out."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from sqlalchemy import select

from web.extensions import db
from web.models import AuditEvent, Mentorship
from web.services import audit, notifications

logger = logging.getLogger(__name__)
FAILED = "notification.failed"
# Errors that concern one email only (a bad address or header); trying again will not help.
# Others (the mail server down) stop the run, and the task tries again later.
ONE_EMAIL_ERRORS = (
    ValueError,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


@dataclass(frozen=True)
class FailedEmail:
    """An email about a mentorship that could not be sent, and why."""

    audience: str
    mentorship: Mentorship
    reason: str


def send_round_emails(round_id: int) -> tuple[int, int]:
    """Try each waiting email of the round on its own; commit after each; (sent, failed)."""
    sent = failed = 0
    for note in notifications.pending_notifications(round_id):
        try:
            if note.problem:
                raise ValueError(note.problem)
            notifications.deliver(note.message)
        except ONE_EMAIL_ERRORS as error:
            logger.warning("round %s: %s email not sent: %s", round_id, note.audience, error)
            record_failure(note, error)
            failed += 1
        else:
            notifications.mark_sent(note)
            sent += 1
        # Commit after each email, so a retry after a failure resends none already sent.
        db.session.commit()
    return sent, failed


def record_failure(note: notifications.Notification, error: Exception) -> None:
    """Record that `note` could not be sent and why, for the published round's page."""
    reason = _reason(error)
    for mentorship in note.mentorships:
        audit.record(None, FAILED, mentorship, audience=note.audience, error=reason)
    db.session.flush()


def failures_among(unsent: dict[str, list[Mentorship]]) -> list[FailedEmail]:
    """The waiting emails whose last attempt failed, with the reason."""
    by_id = {m.id: m for ships in unsent.values() for m in ships}
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == FAILED,
            AuditEvent.subject_type == "Mentorship",
            AuditEvent.subject_id.in_(list(by_id)),
        )
        .order_by(AuditEvent.id)
    )
    waiting = {(m.id, audience) for audience, ships in unsent.items() for m in ships}
    last: dict[tuple[int, str], str] = {}
    for event in events:
        key = (event.subject_id, (event.details or {}).get("audience"))
        if key in waiting:
            last[key] = (event.details or {}).get("error", "")
    return [FailedEmail(audience, by_id[ship_id], why) for (ship_id, audience), why in last.items()]


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the address " + ", ".join(error.recipients)
    return str(error)[:300] or type(error).__name__
