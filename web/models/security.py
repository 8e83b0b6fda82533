"""Security records: the security event log and single-use recovery codes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import created_at, int_pk

if TYPE_CHECKING:
    from web.models.accounts import User


class SecurityEvent(db.Model):
    """A sign-in, failure, sign-out, lockout or refused request, kept for program admins."""

    __tablename__ = "security_events"

    id: Mapped[int_pk]
    at: Mapped[created_at] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What was typed at sign-in, also when it names no account.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    ip: Mapped[str] = mapped_column(String(45), default="", server_default="")
    path: Mapped[str] = mapped_column(String(200), default="", server_default="")
    details: Mapped[dict | None] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


class RecoveryCode(db.Model):
    """One single-use recovery code of a user's second factor; only its hash is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[created_at]
