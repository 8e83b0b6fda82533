"""Recording decisions in the audit log."""

from __future__ import annotations

from web.extensions import db
from web.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    subject: db.Model,
    *,
    reason: str = "",
    **details: object,
) -> AuditEvent:
    """Append who did `action` to `subject`, why, and any facts worth keeping."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        reason=reason,
        details=details,
    )
    db.session.add(event)
    return event
