"""Celery tasks of the end of the program year: closing emails and retention checks."""

from __future__ import annotations

import logging
import smtplib
from datetime import date

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from web.extensions import db
from web.models import CohortYearClosing
from web.services import closing_emails, completion, reminders, retention_checks
from workers.year_tasks import city_today

logger = logging.getLogger(__name__)
MAIL_ERRORS = (OSError, smtplib.SMTPException)


@shared_task(
    name="workers.outcome_tasks.send_year_closing_emails",
    bind=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=1800,
)
def send_year_closing_emails(self, closing_id: int) -> int:
    """Send a closed year's emails, each once, reporting progress after every one."""
    closing = db.session.get(CohortYearClosing, closing_id)
    if closing is None or closing.finished:
        return 0
    today = city_today()
    due = closing_emails.closing_emails(closing)
    completion.start_sending(closing, len(due))
    db.session.commit()
    sent = 0
    try:
        for number, email in enumerate(due, start=1):
            sent += reminders.send_due(email, today)
            closing.emails_sent = number
            completion.report_progress(closing)
            db.session.commit()  # each email and its progress at once: a retry resends none
    except MAIL_ERRORS as error:
        db.session.rollback()
        _stalled(closing, error, last_try=self.request.retries >= self.max_retries)
        raise
    except SoftTimeLimitExceeded:
        db.session.rollback()
        completion.finish(closing, "The emails took too long and were stopped.")
        db.session.commit()
        raise
    completion.finish(closing)
    db.session.commit()
    logger.info("year closing %s: %d email(s) sent", closing_id, sent)
    return sent


def _stalled(closing: CohortYearClosing, error: Exception, last_try: bool) -> None:
    """Say on the progress page that the mail server failed, and whether it is tried again."""
    logger.warning("year closing %s: mail server failed: %s", closing.id, error)
    if last_try:
        completion.finish(closing, f"The mail server could not be reached: {error}")
    else:
        closing.progress_message = f"The mail server could not be reached; trying again. {error}"[
            :200
        ]
    db.session.commit()


@shared_task(
    name="workers.outcome_tasks.check_retention",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=60,
    max_retries=5,
)
def check_retention(today_iso: str | None = None) -> int:
    """Make the retention checks due today and ask for each one, once."""
    today = date.fromisoformat(today_iso) if today_iso else city_today()
    made = retention_checks.create_due_checks(today)
    db.session.commit()
    sent = 0
    for email in retention_checks.requests_due(today):
        sent += reminders.send_due(email, today)
        db.session.commit()
    retention_checks.mark_requested(today)
    db.session.commit()
    logger.info("%s: %d retention check(s) due, %d request(s) sent", today, len(made), sent)
    return sent
