"""Who hears about the program's safety events: its administrators."""

from __future__ import annotations

from sqlalchemy import select

from web.extensions import db
from web.models import Role, User


def program_admin_recipients() -> list[str]:
    """Email addresses of the people who administer the program: every active coordinator."""
    return list(
        db.session.scalars(
            select(User.email)
            .where(User.role == Role.COORDINATOR, User.active.is_(True))
            .order_by(User.id)
        )
    )
