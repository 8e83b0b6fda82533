"""Pages for requests that fail: too large, a bug (500), the database out of reach (503).

Each answers in the service's own look, or in JSON under the API, never with Werkzeug's page.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from web.extensions import db

logger = logging.getLogger(__name__)
# The largest request body accepted; CSV uploads have their own, smaller-or-equal limit.
MAX_REQUEST_BYTES = 2 * 1024 * 1024
RETRY_AFTER_SECONDS = 30
TOO_LARGE = _l(
    "What was sent is larger than Pathways accepts (%(limit)s). Nothing was saved. "
    "Go back and send less, or split a file in smaller files."
)
BROKEN = _l(
    "Something went wrong on our side and nothing was changed. Please try again in a few "
    "minutes. If it happens again, tell the Pathways team what you were doing."
)
DATABASE_DOWN = _l(
    "Pathways cannot reach its database just now, so nothing could be shown or saved. "
    "Please try again in a minute; the page works again as soon as the database is back."
)


def megabytes(size: int) -> str:
    """A byte count for people: '2 MB'."""
    return f"{size / (1024 * 1024):.0f} MB"


def register_failure_pages(app: Flask) -> None:
    """Answer 413, 500 and database outages with the service's own pages."""
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.before_request(_apply_the_view_body_limit)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(OperationalError, database_unreachable)
    app.register_error_handler(InternalServerError, internal_error)


def accepts_bodies_up_to(size: int):
    """Let one view take a body larger than MAX_CONTENT_LENGTH, such as a file upload."""

    def mark(view):
        view.max_request_bytes = size
        return view

    return mark


def _apply_the_view_body_limit() -> None:
    # Before CSRF and every other hook that reads the form, so the limit holds for them too.
    view = current_app.view_functions.get(request.endpoint or "")
    if limit := getattr(view, "max_request_bytes", None):
        request.max_content_length = limit


def too_large(error):
    """413: the body is refused before it is read."""
    limit = megabytes(request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"])
    return _answer(413, _("Too large to accept"), TOO_LARGE % {"limit": limit})


def internal_error(error):
    """500: a bug; the person is told that nothing was changed."""
    _forget_the_transaction()
    return _answer(500, _("Something went wrong"), str(BROKEN))


def database_unreachable(error: DBAPIError):
    """503 with Retry-After while PostgreSQL refuses connections; a bug otherwise."""
    if not _is_connection_failure(error):
        logger.error("database error", exc_info=error)
        return internal_error(error)
    logger.warning("database unreachable: %s", error.orig)
    _forget_the_transaction()
    # The navigation asks who is signed in, which needs the database: draw it signed out.
    g._login_user = current_app.login_manager.anonymous_user()
    body, status, headers = _answer(503, _("Pathways is briefly unavailable"), str(DATABASE_DOWN))
    return body, status, headers | {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _is_connection_failure(error: DBAPIError) -> bool:
    """True when the database could not be reached or dropped the connection."""
    if error.connection_invalidated:
        return True
    text = str(error.orig).lower()
    return any(
        sign in text for sign in ("connection", "could not connect", "server closed", "terminating")
    )


def _forget_the_transaction() -> None:
    """Roll back, so a broken connection is not reused by the next request of this thread."""
    try:
        db.session.rollback()
    except Exception:
        logger.warning("rollback after a failed request failed too", exc_info=True)


def _answer(status: int, title: str, message: str) -> tuple[object, int, dict]:
    if request.path.startswith(current_app.config.get("API_URL_PREFIX") or "/api/"):
        from web.api.errors import error_response  # the API package imports views using this

        return error_response(status, message)[0], status, {}
    try:
        return render_template("error.html", title=title, message=message), status, {}
    except Exception:
        # The page itself could not be drawn (the navigation needs the database): plain text.
        logger.warning("error page %s could not be rendered", status, exc_info=True)
        return f"{title}. {message}", status, {"Content-Type": "text/plain; charset=utf-8"}
