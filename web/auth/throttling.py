"""How often people may try to sign in, ask for links and register: the views' decorators.

Sign-in counts failures only, per account and per network address, so people who sign in
correctly are never slowed. A refused attempt answers 429 with the page's own form, what was
typed kept, a message saying when to try again, and a security event.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import current_app, flash, g, make_response, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import RequestLimit
from werkzeug.wrappers import Response

from web.extensions import db, limiter
from web.services import security_events

_FAILED = "pathways_attempt_failed"
PENDING_USER = "mfa_user"


def mark_failed() -> None:
    """Count this request against the failure limits of its view."""
    setattr(g, _FAILED, True)


def attempt_failed(response: Response) -> bool:
    """Flask-Limiter's deduct_when: only requests marked failed use up the limit."""
    return bool(g.get(_FAILED))


def typed_account() -> str:
    """The account named by the form's email field ("" when empty: no limit applies)."""
    email = request.form.get("email", "").strip().lower()[:254]
    return f"account:{email}" if email else ""


def pending_account() -> str:
    """The account whose second factor is being checked."""
    user_id = session.get(PENDING_USER, "").partition(":")[0]
    return f"account-id:{user_id}" if user_id else ""


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def sign_in_limits(render: Callable[[], str], *, per_account: Callable[[], str] = typed_account):
    """Limit failed attempts per account and per address; `render` draws the page refused."""
    on_breach = refusal(render, "sign-in")

    def decorator(view: Callable) -> Callable:
        for limit, key in (
            ("SIGN_IN_LIMIT_PER_IP", None),
            ("SIGN_IN_LIMIT_PER_ACCOUNT", per_account),
        ):
            view = limiter.limit(
                _setting(limit),
                key_func=key,
                methods=["POST"],
                deduct_when=attempt_failed,
                on_breach=on_breach,
            )(view)
        return view

    return decorator


# What was tried too often, as the refusal names it.
_ATTEMPTS = {
    "sign-in": _l("sign-in"),
    "registration": _l("registration"),
    "password link": _l("password link"),
}


def request_limit(setting: str, render: Callable[[], str], what: str):
    """Limit every submission of a form from one address to the `setting` rate."""
    return limiter.limit(_setting(setting), methods=["POST"], on_breach=refusal(render, what))


def refusal(render: Callable[[], str], what: str) -> Callable[[RequestLimit], Response]:
    """The on_breach answer: a security event, then the page with its form kept and a 429."""

    def refuse(limit: RequestLimit) -> Response:
        wait = wait_in_minutes(limit)
        security_events.record(
            security_events.LOCKOUT,
            email=request.form.get("email", "").strip(),
            what=what,
            limit=str(limit.limit),
        )
        db.session.commit()
        flash(
            _(
                "Too many %(what)s attempts. For your protection this is paused: please try "
                "again in %(wait)s.",
                what=_ATTEMPTS.get(what, what),
                wait=ngettext("%(num)d minute", "%(num)d minutes", wait),
            ),
            "error",
        )
        response = make_response(render(), 429)
        response.headers["Retry-After"] = str(wait * 60)
        return response

    return refuse


def wait_in_minutes(limit: RequestLimit) -> int:
    """Whole minutes until the limit lets attempts through again (at least one)."""
    return max(1, round((limit.reset_at - time.time()) / 60))
