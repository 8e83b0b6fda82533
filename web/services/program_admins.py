"""Who hears about the program's safety events: its administrators."""

from __future__ import annotations

from sqlalchemy import select

from web.extensions import db
from web.models import CoordinatorRole, Role, User


def program_admin_recipients() -> list[str]:
    """Email addresses of the active program admins (reviewers only read, so are not told)."""
    return list(
        db.session.scalars(
            select(User.email)
            .where(
                User.role == Role.COORDINATOR,
                User.coordinator_role == CoordinatorRole.ADMIN,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
