"""Self-registered accounts prove their email address by opening a signed, emailed link."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select

from web.auth.tokens import InvalidLink, SpentLink
from web.database import enqueue_after_commit
from web.extensions import db
from web.language import speaking
from web.models import AuditEvent, User
from web.models.base import utcnow
from web.services import audit, vetting
from web.services.notifications import absolute_url, compose

logger = logging.getLogger(__name__)

VERIFY_TASK = "workers.tasks.send_verification_email"
SENT = "email_verification.sent"
VERIFIED = "email.verified"
LIFETIME = timedelta(days=7)
EMAILS_PER_HOUR = 3
_SALT = "pathways.verify-email"


def request_verification(user: User) -> bool:
    """Queue the link to `user`'s address, at most EMAILS_PER_HOUR an hour; False if not sent."""
    if user.email_verified or not user.active:
        return False
    recent = select(func.count()).where(
        AuditEvent.action == SENT,
        AuditEvent.subject_type == "User",
        AuditEvent.subject_id == user.id,
        AuditEvent.at >= utcnow() - timedelta(hours=1),
    )
    if db.session.scalar(recent) >= EMAILS_PER_HOUR:
        logger.warning("user %s asked for too many verification emails; none sent", user.id)
        return False
    enqueue_after_commit(VERIFY_TASK, user.id)
    return True


def send_first_link(user: User) -> None:
    """Queue the link to an account just registered: it has had none, so no hourly limit yet."""
    enqueue_after_commit(VERIFY_TASK, user.id)


def verification_email(user: User) -> EmailMessage:
    """The email with the link that proves the address is `user`'s."""
    token = _serializer().dumps({"user": user.id, "email": user.email})
    with speaking(user.language):
        lines = [
            _("Hello %(name)s,", name=user.name),
            "",
            _("Thank you for signing up to Pathways, the city's mentoring program."),
            _("Please confirm that this email address is yours by opening this link:"),
            "",
            absolute_url("auth.verify_email", token=token),
            "",
            _(
                "The link works for %(days)d days. Until you open it, you are not matched.",
                days=LIFETIME.days,
            ),
            _("If you did not sign up, ignore this email."),
        ]
        subject = _("Confirm your email address for Pathways")
    return compose([user.email], subject, lines)


def mark_sent(user: User) -> None:
    """Record that a verification link went to `user` (the user id is the subject)."""
    audit.record(None, SENT, user)
    db.session.flush()


def user_for_link(token: str, *, now: datetime | None = None) -> User:
    """The account a verification link is for; raise InvalidLink or SpentLink otherwise."""
    try:
        payload, signed_at = _serializer().loads(token, return_timestamp=True)
        user_id, email = payload["user"], payload["email"]
    except (BadData, KeyError, TypeError):
        raise InvalidLink(_("This link is not complete or was changed.")) from None
    if (now or utcnow()) - signed_at > LIFETIME:
        raise SpentLink(
            _(
                "This link has expired: it worked for %(days)d days. "
                "Sign in to have a new one sent.",
                days=LIFETIME.days,
            )
        )
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.email != email:
        raise SpentLink(_("This link is no longer valid for any account."))
    return user


def verify(user: User) -> bool:
    """Mark the address verified (once); a mentor on a city domain is approved with it."""
    if user.email_verified:
        return False
    user.email_verified = True
    audit.record(user, VERIFIED, user)
    vetting.address_verified(user)
    db.session.flush()
    return True


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)
