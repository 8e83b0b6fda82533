"""Bearer-token sign-in for the API, and the wrapper every API view runs in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import g, request
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, update

from web.api.errors import error_response, unauthorized
from web.api.params import BadParameter
from web.extensions import db
from web.models import ApiToken
from web.models.base import utcnow
from web.partners.services import NotFoundForPartner
from web.partners.tokens import token_for_secret

# A token's "last used" is news to its owner by the minute, not by the request.
USE_RECORDED_EVERY = timedelta(minutes=1)


def bearer_token() -> ApiToken | None:
    """The working token sent as 'Authorization: Bearer <token>'; its use is recorded."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    token = token_for_secret(secret)
    if token is not None:
        record_use(token)
    return token


def record_use(token: ApiToken, now: datetime | None = None) -> bool:
    """Set the token's last use to `now`, at most once a minute; True if it was written.

    The write is its own short transaction on its own connection, and only when the last
    recorded use is a minute old: API reads never hold the token's row lock, so requests
    with one token run side by side instead of one at a time.
    """
    now = now or utcnow()
    last = token.last_used_at
    if last is not None and now - _aware(last) < USE_RECORDED_EVERY:
        return False
    with db.engine.begin() as connection:
        written = connection.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token.id,
                or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at < now - USE_RECORDED_EVERY,
                ),
            )
            .values(last_used_at=now)
        ).rowcount
    return bool(written)


def partner_api(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Run `view(partner_id, ...)` for the token's partner; answer refusals as JSON.

    API views only read: nothing is committed at the end of the request.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if token is None:
            if "Authorization" not in request.headers:
                return unauthorized("Send your API token as 'Authorization: Bearer <token>'.")
            return unauthorized("This API token is not valid or has been revoked.")
        g.api_token = token
        try:
            return view(token.partner_id, *args, **kwargs)
        except BadParameter as error:
            return error_response(400, str(error), parameter=error.parameter)
        except NotFoundForPartner as error:
            return error_response(404, str(error))

    return wrapper


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
