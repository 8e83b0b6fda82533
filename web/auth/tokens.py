"""Links to set a password: signed, expiring, and spent once the password changes."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadData, URLSafeTimedSerializer

from web.errors_domain import DomainError
from web.extensions import db
from web.models import User
from web.models.base import utcnow

INVITATION, RESET = "invitation", "reset"
# An invitation waits in an inbox for a while; a reset is asked for by someone at a screen.
LIFETIMES = {INVITATION: timedelta(days=14), RESET: timedelta(hours=2)}
_SALT = "pathways.set-password"


class InvalidLink(DomainError):
    """The link is not one we made: mistyped, cut short or altered."""


class SpentLink(DomainError):
    """The link was ours, but it has expired or its password was already set."""


def password_token(user: User, purpose: str) -> str:
    """A token for the set-password link of `user`, valid for `purpose`'s lifetime."""
    payload = {"user": user.id, "purpose": purpose, "password": _fingerprint(user)}
    return _serializer().dumps(payload)


def lifetime_in_words(purpose: str) -> str:
    """How long a link for `purpose` works, for emails and pages."""
    lifetime = LIFETIMES[purpose]
    if lifetime >= timedelta(days=1):
        return ngettext("%(num)d day", "%(num)d days", lifetime.days)
    return ngettext("%(num)d hour", "%(num)d hours", int(lifetime.total_seconds() // 3600))


def user_for_token(token: str, *, now: datetime | None = None) -> User:
    """The user a valid token is for; raise InvalidLink or SpentLink otherwise."""
    try:
        payload, signed_at = _serializer().loads(token, return_timestamp=True)
        user_id, purpose, fingerprint = payload["user"], payload["purpose"], payload["password"]
    except (BadData, KeyError, TypeError):
        raise InvalidLink(_("This link is not complete or was changed.")) from None
    if purpose not in LIFETIMES:
        raise InvalidLink(_("This link is not complete or was changed."))
    if (now or utcnow()) - signed_at > LIFETIMES[purpose]:
        raise SpentLink(
            _("This link has expired: it worked for %(time)s.", time=lifetime_in_words(purpose))
        )
    user = db.session.get(User, user_id)
    if user is None or not user.active or _fingerprint(user) != fingerprint:
        # The password changed since the link was made, so the link has done its work.
        raise SpentLink(_("This link was already used: the password it was for has been set."))
    return user


def _fingerprint(user: User) -> str:
    """A short digest of the stored password hash: setting a password changes it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)
