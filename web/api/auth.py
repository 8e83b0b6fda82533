"""Bearer-token sign-in for the API, and the wrapper every API view runs in."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request
from flask.typing import ResponseReturnValue

from web.api.errors import error_response, unauthorized
from web.api.params import BadParameter
from web.database import commits
from web.models import ApiToken
from web.models.base import utcnow
from web.partners.services import NotFoundForPartner
from web.partners.tokens import token_for_secret


def bearer_token() -> ApiToken | None:
    """The working token sent as 'Authorization: Bearer <token>', marked as used now."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    token = token_for_secret(secret)
    if token is not None:
        token.last_used_at = utcnow()
    return token


def partner_api(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Run `view(partner_id, ...)` for the token's partner; answer refusals as JSON.

    Refusals are returned rather than raised so the edge commit still records when the
    token was last used, even for a request that was turned down.
    """

    @functools.wraps(view)
    @commits
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
