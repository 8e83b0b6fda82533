"""Celery tasks: thin wrappers that take ids and call service functions."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from web.extensions import db
from web.services import notifications, rounds

logger = logging.getLogger(__name__)


@shared_task(name="workers.tasks.run_match_round", bind=True)
def run_match_round(self, round_id: int) -> None:
    """Run the matcher for one round and store its proposals (safe to run twice)."""
    try:
        rounds.run_round(round_id, task_id=self.request.id)
        db.session.commit()
    except SoftTimeLimitExceeded:
        db.session.rollback()
        rounds.mark_failed(round_id, "The round took too long and was stopped. Try again.")
        raise
    except Exception as error:
        db.session.rollback()
        logger.exception("round %s failed", round_id)
        rounds.mark_failed(round_id, f"The matcher stopped with an error: {error}")
        raise


@shared_task(
    name="workers.tasks.send_round_notifications",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_round_notifications(round_id: int) -> int:
    """Email a published round's apprentices, mentors and partners; each email goes out once."""
    sent = 0
    for note in notifications.pending_notifications(round_id):
        notifications.deliver(note.message)
        notifications.mark_sent(note)
        # Commit after each email, so a retry after a failure resends none already sent.
        db.session.commit()
        sent += 1
    logger.info("round %s: %d notification(s) sent", round_id, sent)
    return sent
