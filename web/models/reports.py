"""Outcome report builds: computed by the worker, kept until the program changes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import int_pk


class BuildStatus(enum.StrEnum):
    """A report build: waiting for the worker, running, done, or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ReportBuild(db.Model):
    """The latest outcomes report of one audience: the whole program, or one partner."""

    __tablename__ = "report_builds"

    id: Mapped[int_pk]
    # "program" for the coordinators' report, "partner:<id>" for one partner's.
    scope: Mapped[str] = mapped_column(String(40), unique=True)
    # What the program looked like when the kept result was computed.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default=BuildStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    progress_message: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def finished(self) -> bool:
        """True once the build has either succeeded or failed."""
        return self.status in (BuildStatus.SUCCEEDED, BuildStatus.FAILED)
