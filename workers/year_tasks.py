"""Celery tasks of the program year: thin wrappers that call the program-year services."""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime

from celery import shared_task

from web.extensions import db
from web.models import Meeting
from web.services import decline_notices, ending_notices, flags, meetings, reminders, surveys

logger = logging.getLogger(__name__)
MAIL_ERRORS = (OSError, smtplib.SMTPException)


@shared_task(
    name="workers.year_tasks.send_meeting_invitation",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
)
def send_meeting_invitation(meeting_id: int) -> bool:
    """Email a proposed meeting's invitation to the other side, once."""
    meeting = db.session.get(Meeting, meeting_id)
    message = meetings.invitation_email(meeting) if meeting else None
    if message is None:
        return False
    attendee_email = message["To"]
    sent = reminders.send_once(
        "meeting_invitation",
        str(meeting.id),
        meetings.pairs.other_side(meeting.mentorship, meeting.author),
        "once",
        message,
    )
    db.session.commit()
    logger.info("meeting %s invitation to %s: %s", meeting_id, attendee_email, sent)
    return sent


@shared_task(
    name="workers.year_tasks.send_daily_reminders",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=60,
    max_retries=5,
)
def send_daily_reminders(today_iso: str | None = None) -> int:
    """Raise the day's flags and send the day's reminders and nudges; each once."""
    today = date.fromisoformat(today_iso) if today_iso else city_today()
    new_flags = flags.raise_flags(today)
    db.session.commit()
    due = reminders.due_emails(today) + surveys.due_surveys(today)
    notices = decline_notices.decline_notices(today) + ending_notices.ending_notices(today)
    sent = _send_each(due + notices, today)
    digests, listed = flags.digest_emails(today)
    sent += _send_each(digests, today)
    flags.mark_digested(listed, today)
    db.session.commit()
    logger.info("%s: %d flag(s) raised, %d email(s) sent", today, len(new_flags), sent)
    return sent


@shared_task(
    name="workers.year_tasks.send_decline_notices",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
)
def send_decline_notices(mentorship_id: int) -> int:
    """Tell the apprentice, their partner and the coordinators that a mentor declined."""
    today = city_today()
    return _send_each(decline_notices.decline_notices(today, mentorship_id), today)


@shared_task(
    name="workers.year_tasks.send_ending_notices",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
)
def send_ending_notices(mentorship_id: int) -> int:
    """Tell both people and the partner that a coordinator ended their pair."""
    today = city_today()
    return _send_each(ending_notices.ending_notices(today, mentorship_id), today)


def _send_each(due: list[reminders.DueEmail], today: date) -> int:
    sent = 0
    for email in due:
        sent += reminders.send_due(email, today)
        # Commit after each email, so a retry after a failure resends none already sent.
        db.session.commit()
    return sent


def city_today() -> date:
    """Today's date in the city's time zone."""
    return datetime.now(meetings.program_timezone()).date()
