"""Celery tasks: thin wrappers that take ids and call service functions."""

from __future__ import annotations

import logging
import smtplib
from datetime import date

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app

from web.errors_domain import DomainError
from web.extensions import db
from web.models import ApprenticeProfile, MentorProfile, User
from web.services import (
    account_emails,
    check_expiry,
    contact_details,
    email_failures,
    email_verification,
    guardians,
    invitations,
    notifications,
    people_imports,
    readiness_checks,
    retention,
    rounds,
    vetting,
)

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


@shared_task(name="workers.tasks.check_readiness")
def check_readiness(cohort_id: int, parameters: dict) -> None:
    """Compute a cohort's readiness check and keep it for the cohort page."""
    readiness_checks.run_check(cohort_id, parameters)
    db.session.commit()


@shared_task(
    name="workers.tasks.send_round_notifications",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_round_notifications(round_id: int) -> int:
    """Email a published round's apprentices, mentors and partners; each email goes out once.

    Each email is tried on its own: one that cannot be sent is recorded as failed and the
    others still go out; a mail server that cannot be reached stops the run for a retry.
    """
    sent, failed = email_failures.send_round_emails(round_id)
    logger.info("round %s: %d notification(s) sent, %d failed", round_id, sent, failed)
    return sent


@shared_task(name="workers.tasks.run_people_import")
def run_people_import(import_id: int) -> None:
    """Check a confirmed CSV file again and write its people in one transaction (runs once).

    The accounts it creates are invited to set a password once that transaction commits.
    """
    try:
        invitations.run_import_and_invite(import_id)
        db.session.commit()
    except DomainError as error:
        # The file no longer passes the checks: an outcome to show, not a bug to retry.
        db.session.rollback()
        people_imports.mark_failed(import_id, str(error))
    except SoftTimeLimitExceeded:
        db.session.rollback()
        people_imports.mark_failed(
            import_id,
            "The import took too long and was stopped; nothing was imported. "
            "Upload the file again, or split it in smaller files.",
        )
        raise
    except Exception:
        db.session.rollback()
        logger.exception("import %s failed", import_id)
        people_imports.mark_failed(
            import_id,
            "The import stopped with an unexpected error; nothing was imported. "
            "Upload the file again. If it fails again, tell the Pathways team.",
        )
        raise


@shared_task(
    name="workers.tasks.send_invitations",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_invitations(user_ids: list[int], batch: str, import_id: int | None = None) -> int:
    """Email each account still without a password its set-password link, once per batch."""
    sent = 0
    try:
        for user in invitations.pending_invitations(user_ids, batch):
            message = invitations.invitation_email(user)
            notifications.deliver(message)
            if copy := guardians.copy_for_guardian(user, message):
                notifications.deliver(copy)
            invitations.mark_invited(user, batch, import_id)
            sent += 1
            # Commit in groups: each commit expires every user loaded, which made one commit
            # per email slow for a 2,000-person import.
            if sent % invitations.COMMIT_EVERY == 0:
                db.session.commit()
    except (OSError, smtplib.SMTPException):
        # Keep the record of the emails that went out, so the retry sends none of them again.
        db.session.commit()
        raise
    db.session.commit()
    logger.info("invitation batch %s: %d sent", batch, sent)
    return sent


@shared_task(
    name="workers.tasks.send_password_link",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_password_link(user_id: int) -> bool:
    """Email an active user the set-password link they asked for."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return False
    message = invitations.password_link_email(user)
    notifications.deliver(message)
    if copy := guardians.copy_for_guardian(user, message):
        notifications.deliver(copy)
    invitations.mark_link_sent(user)
    db.session.commit()
    return True


@shared_task(
    name="workers.tasks.send_verification_email",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_verification_email(user_id: int) -> bool:
    """Email a self-registered user the link that verifies their address."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.email_verified:
        return False
    message = email_verification.verification_email(user)
    notifications.deliver(message)
    if copy := guardians.copy_for_guardian(user, message):
        notifications.deliver(copy)
    email_verification.mark_sent(user)
    db.session.commit()
    return True


@shared_task(
    name="workers.tasks.send_vetting_decision",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_vetting_decision(mentor_id: int) -> bool:
    """Email a mentor whether the program approved their offer."""
    profile = db.session.get(MentorProfile, mentor_id)
    message = vetting.decision_email(profile) if profile and profile.user.active else None
    if message is None:
        return False
    notifications.deliver(message)
    return True


@shared_task(
    name="workers.tasks.send_guardian_consent_request",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_guardian_consent_request(apprentice_id: int) -> bool:
    """Email a minor's guardian the link to confirm consent, if it is still needed."""
    profile = db.session.get(ApprenticeProfile, apprentice_id)
    if profile is None or profile.user is None or not guardians.needs_consent(profile):
        return False
    notifications.deliver(guardians.consent_request_email(profile))
    return True


@shared_task(
    name="workers.tasks.check_background_check_expiry",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=60,
    max_retries=5,
)
def check_background_check_expiry() -> int:
    """Daily: tell the program admins once about each lapsed or withdrawn background check."""
    reported = check_expiry.report_lapsed_checks(after_each=db.session.commit)
    db.session.commit()
    return reported


@shared_task(
    name="workers.tasks.send_mentor_contact",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_mentor_contact(mentorship_id: int) -> bool:
    """Once a mentor confirms, email the apprentice how to reach them (once)."""
    mentorship = contact_details.mentor_contact_to_send(mentorship_id)
    if mentorship is None:
        return False
    notifications.deliver(contact_details.mentor_contact_email(mentorship))
    contact_details.mark_contact_sent(mentorship)
    db.session.commit()
    return True


@shared_task(name="workers.tasks.erase_expired_personal_data")
def erase_expired_personal_data(day: str | None = None) -> list[int]:
    """Daily (beat): erase the people of cohorts archived longer ago than the retention period.

    `day` (ISO date, default today) keys the run; running a day twice erases nothing more.
    """
    days = current_app.config["RETENTION_DAYS_AFTER_ARCHIVE"]
    try:
        erased = retention.erase_expired(date.fromisoformat(day) if day else None, days)
        db.session.commit()
    except Exception:
        db.session.rollback()
        logger.exception("retention run for %s failed", day or "today")
        raise
    return erased


@shared_task(
    name="workers.tasks.send_account_email",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    max_retries=5,
)
def send_account_email(user_id: int, kind: str) -> bool:
    """Email an active user that someone tried to register with their address."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return False
    notifications.deliver(account_emails.account_email(user, kind))
    return True
