"""Security events: JSON lines in the `pathways.security` log, and rows in the database."""

from __future__ import annotations

import json
import logging

from flask import has_request_context, request
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from web.extensions import db
from web.models import SecurityEvent, User
from web.models.base import utcnow

logger = logging.getLogger("pathways.security")

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in.failed"
SIGN_OUT = "sign_out"
LOCKOUT = "lockout"
MFA_FAILED = "mfa.failed"
MFA_ENROLLED = "mfa.enrolled"
MFA_RESET = "mfa.reset"
RECOVERY_CODE_USED = "mfa.recovery_code_used"
SESSION_ENDED = "session.ended"
FORBIDDEN = "forbidden"
REGISTRATION_EMAIL_TAKEN = "registration.email_taken"
KINDS = {
    SIGN_IN: "Signed in",
    SIGN_IN_FAILED: "Failed sign-in",
    SIGN_OUT: "Signed out",
    LOCKOUT: "Locked out (too many attempts)",
    MFA_FAILED: "Wrong authentication code",
    MFA_ENROLLED: "Set up an authenticator app",
    MFA_RESET: "Authenticator app reset by the Pathways team",
    RECOVERY_CODE_USED: "Used a recovery code",
    SESSION_ENDED: "Session timed out",
    FORBIDDEN: "Refused (403)",
    REGISTRATION_EMAIL_TAKEN: "Registration with an email already in use",
}


def configure_log() -> None:
    """Write security events to standard error, one JSON object a line, whatever else logs.

    Under gunicorn nothing configures the application's loggers, and Python would drop
    INFO records; security events must never be dropped.
    """
    if logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def record(kind: str, *, user: User | None = None, email: str = "", **details) -> SecurityEvent:
    """Log one security event as a JSON line and add it to the session (the edge commits)."""
    event = SecurityEvent(
        at=utcnow(),
        kind=kind,
        user_id=user.id if user is not None else None,
        email=(email or (user.email if user is not None else ""))[:254],
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
        path=request.path[:200] if has_request_context() else "",
        details=details,
    )
    db.session.add(event)
    db.session.flush()
    logger.info(json.dumps(as_log_record(event), sort_keys=True))
    return event


def as_log_record(event: SecurityEvent) -> dict:
    """The event as one structured log record."""
    return {
        "event": event.kind,
        "at": event.at.isoformat(),
        "user_id": event.user_id,
        "email": event.email,
        "ip": event.ip,
        "path": event.path,
        **(event.details or {}),
    }


def events_select(kind: str = "") -> Select:
    """Security events, newest first, each with its user loaded in the same query."""
    stmt = select(SecurityEvent).options(joinedload(SecurityEvent.user))
    if kind:
        stmt = stmt.where(SecurityEvent.kind == kind)
    return stmt.order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
