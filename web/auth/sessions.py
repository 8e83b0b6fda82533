"""Sessions the server can end: a version checked on every request, idle and absolute limits.

The session cookie holds "user id:session version". Raising the user's version (sign-out,
a new password, deactivation) makes every cookie signed before it worthless. Each session
also records when it began and when it was last used, and ends past either limit.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in

from web.extensions import db
from web.models import User

logger = logging.getLogger(__name__)
SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
# Requests that never touch a session: files, and the API, which signs in by token.
_WITHOUT_SESSION = {"static"}
# When a session was last used is written back at most this often (seconds): idle limits are
# minutes long, and a page that changes nothing else then sends no new cookie.
SEEN_AT_EVERY = 60


def clock() -> float:
    """Seconds since the epoch; tests replace it to move time."""
    return time.time()


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the active user whose current session version the cookie holds."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # a cookie from before session versions: sign in again
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """End every session of `user`, in every browser, from their next request on."""
    user.session_version += 1
    db.session.flush()


def idle_timeout(role: str) -> timedelta:
    """How long a session of someone in `role` may go unused."""
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    return timedelta(minutes=minutes.get(role, minutes["default"]))


def absolute_lifetime() -> timedelta:
    """How long any session lasts, used or not."""
    return timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


def register_sessions(app: Flask) -> None:
    """Check every request's session limits, and start sessions afresh at sign-in."""
    app.session_interface = SessionInterface()
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    app.before_request(enforce_session_limits)
    user_logged_in.connect(start_session, app)


def start_session(sender: Flask, user: User, **extra) -> None:
    """At sign-in: note the time, and give the session a new CSRF token."""
    now = int(clock())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now
    session.permanent = True
    # A CSRF token known before sign-in (to whoever shared the browser) must not carry over.
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


def enforce_session_limits():
    """Sign out a session past its idle or absolute limit, and say so on the sign-in page."""
    if request.endpoint in _WITHOUT_SESSION or request.blueprint == "api":
        return None
    if "_user_id" not in session or not current_user.is_authenticated:
        return None
    now = int(clock())
    problem = session_problem(current_user, now)
    if problem is None:
        if now - session.get(SEEN_AT, 0) >= SEEN_AT_EVERY:
            session[SEEN_AT] = now
        return None
    from web.services import security_events

    security_events.record(security_events.SESSION_ENDED, user=current_user, reason=problem)
    db.session.commit()
    logout_user()
    flash(problem, "info")
    next_page = request.full_path if request.method == "GET" else None
    return redirect(url_for("auth.login", next=next_page))


def session_problem(user: User, now: int) -> str | None:
    """Why the current session has ended, in words; None while it may go on."""
    signed_in_at = session.get(SIGNED_IN_AT, 0)
    seen_at = session.get(SEEN_AT, signed_in_at)
    lifetime, idle = absolute_lifetime(), idle_timeout(user.role)
    if now - signed_in_at > lifetime.total_seconds():
        hours = int(lifetime.total_seconds() // 3600)
        return _(
            "Your session ended: sessions last %(hours)d hours at most. Please sign in again.",
            hours=hours,
        )
    if now - seen_at > idle.total_seconds():
        minutes = int(idle.total_seconds() // 60)
        return _(
            "Your session ended after %(minutes)d minutes without activity, to protect "
            "your account. Please sign in again.",
            minutes=minutes,
        )
    return None


def is_local_request() -> bool:
    """True when the browser reached Pathways as localhost, so the cookie may travel on HTTP."""
    return request.host.rsplit(":", 1)[0].lower() in LOCAL_HOSTS


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with SESSION_COOKIE_SECURE = "auto" understood.

    "auto" (the embedded default) marks the cookie Secure unless the service is reached as
    localhost, so a session never travels in clear text to a service on the network.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        setting = app.config["SESSION_COOKIE_SECURE"]
        if setting == "auto":
            return not is_local_request()
        return bool(setting)
