"""Imports of apprentices or mentors from a CSV file, run by the worker."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import created_at, int_pk

if TYPE_CHECKING:
    from web.models.accounts import User
    from web.models.program import Cohort


class ImportStatus(enum.StrEnum):
    """An import's life: queued, running, then succeeded or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class PeopleImport(db.Model):
    """One confirmed CSV file of apprentices or mentors, its progress and its outcome."""

    __tablename__ = "people_imports"

    id: Mapped[int_pk]
    kind: Mapped[str] = mapped_column(String(20))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"))
    # The file's text, kept in the database (which the worker shares with the web app) until
    # the import finishes; then cleared, since the people it lists are stored as profiles.
    content: Mapped[str | None] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    progress_message: Mapped[str] = mapped_column(String(200), default="Waiting for a worker")
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    # The accounts this import created, kept after the file is cleared so that their
    # invitations to set a password can be counted and sent again. None for imports that
    # have not succeeded, or ran before the list was kept.
    created_user_ids: Mapped[list[int] | None] = mapped_column(JSON)
    # Rows whose guarded changes the coordinator confirmed (email -> field names), and the
    # rows left unchanged because their changes were not confirmed (line, email, fields).
    confirmed_changes: Mapped[dict | None] = mapped_column(JSON)
    unconfirmed_rows: Mapped[list[dict] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cohort: Mapped[Cohort | None] = relationship()
    started_by: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        """True once the import has either succeeded or failed."""
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
