"""Readiness checks of a cohort, computed by the worker and kept until the program changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db
from web.models.base import int_pk


class ReadinessCheck(db.Model):
    """The matcher's readiness check of one cohort under one set of round settings."""

    __tablename__ = "readiness_checks"
    __table_args__ = (UniqueConstraint("cohort_id", "parameters_key"),)

    id: Mapped[int_pk]
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    parameters_key: Mapped[str] = mapped_column(String(64))
    # What the program looked like when the check ran; a different one means it is out of date.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    result: Mapped[dict | None] = mapped_column(JSON)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
