"""Turning off non-essential emails from a signed link, and the footers every email carries."""

from __future__ import annotations

import logging
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer

from web.errors_domain import DomainError
from web.extensions import db
from web.models import EmailPreference, User
from web.models.base import utcnow
from web.services import audit
from web.services.minors import guardian_copies
from web.services.notifications import absolute_url, compose

logger = logging.getLogger(__name__)
_SALT = "pathways.unsubscribe"


class InvalidUnsubscribeLink(DomainError):
    """The unsubscribe link is not one we made: mistyped, cut short or altered."""


def unsubscribe_token(user: User) -> str:
    """A signed token naming `user`; it does not expire, so old emails keep working."""
    return URLSafeSerializer(current_app.secret_key, salt=_SALT).dumps({"user": user.id})


def user_for_unsubscribe(token: str) -> User:
    """The user an unsubscribe token names; raise InvalidUnsubscribeLink otherwise."""
    try:
        user_id = URLSafeSerializer(current_app.secret_key, salt=_SALT).loads(token)["user"]
    except (BadData, KeyError, TypeError):
        raise InvalidUnsubscribeLink(_("This link is not complete or was changed.")) from None
    user = db.session.get(User, user_id)
    if user is None:
        raise InvalidUnsubscribeLink(_("This link is not complete or was changed."))
    return user


def wants_non_essential(user: User) -> bool:
    """True unless `user` turned off the program's non-essential emails."""
    preference = db.session.get(EmailPreference, user.id)
    return preference is None or preference.non_essential


def set_non_essential(user: User, wanted: bool) -> bool:
    """Turn non-essential emails on or off for `user`; return whether anything changed."""
    if wants_non_essential(user) == wanted:
        return False
    preference = db.session.get(EmailPreference, user.id) or EmailPreference(user_id=user.id)
    preference.non_essential = wanted
    preference.changed_at = utcnow()
    db.session.add(preference)
    action = "email.non_essential_on" if wanted else "email.non_essential_off"
    audit.record(user, action, user)
    db.session.flush()
    logger.info("user %s: non-essential emails %s", user.id, "on" if wanted else "off")
    return True


def optional_email(user: User, subject: str, lines: list[str]) -> EmailMessage | None:
    """A non-essential email to `user` with a one-click unsubscribe; None if they opted out."""
    if not wants_non_essential(user):
        return None
    link = absolute_url("program_year.unsubscribe", token=unsubscribe_token(user))
    footer = [
        "",
        "--",
        _("You can turn off reminders and other non-essential Pathways emails here:"),
        link,
    ]
    message = compose([user.email], subject, lines + footer, cc=guardian_copies([user.email]))
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def required_email(to: list[str], subject: str, lines: list[str], why: str) -> EmailMessage:
    """An email the program must send; its footer says why it cannot be turned off."""
    footer = ["", "--", _("This email cannot be turned off: %(why)s", why=why)]
    return compose(to, subject, lines + footer, cc=guardian_copies(to))
