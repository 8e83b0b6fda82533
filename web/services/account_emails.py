"""The note to the owner of an address someone tried to register again.

Registration answers the same page whether or not the address was taken: a new account gets
its verification link, the owner of a taken address this note, each in their own inbox.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

from flask_babel import gettext as _

from web.auth.services import find_user_by_email
from web.database import enqueue_after_commit
from web.language import speaking
from web.models import User
from web.services import security_events
from web.services.notifications import absolute_url, compose

logger = logging.getLogger(__name__)

ACCOUNT_EMAIL_TASK = "workers.tasks.send_account_email"
REGISTRATION_ATTEMPT = "registration_attempt"


def registration_with_taken_email(email: str) -> None:
    """Queue a note to the account that already uses `email`, and record a security event."""
    user = find_user_by_email(email)
    if user is not None and user.active:
        enqueue_after_commit(ACCOUNT_EMAIL_TASK, user.id, REGISTRATION_ATTEMPT)
    security_events.record(security_events.REGISTRATION_EMAIL_TAKEN, user=user, email=email)


def account_email(user: User, kind: str = REGISTRATION_ATTEMPT) -> EmailMessage:
    """The note that someone tried to register a new account with `user`'s address."""
    sign_in = absolute_url("auth.login")
    with speaking(user.language):
        lines = [
            _("Hello %(name)s,", name=user.name),
            "",
            _(
                "Someone, probably you, tried to register a new Pathways account with this email "
                "address. It already has an account, so nothing was created or changed."
            ),
            "",
            _("To use your account, sign in here: %(link)s", link=sign_in),
            _("Forgot your password? Ask for a link to set a new one here:"),
            absolute_url("auth.forgot_password"),
            "",
            _("If it was not you, you can ignore this email: your account is unchanged."),
        ]
        subject = _("You already have a Pathways account")
    return compose([user.email], subject, lines)
