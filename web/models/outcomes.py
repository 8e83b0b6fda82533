"""What happened after the program year: closing a cohort's year, outcomes, retention checks."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import created_at, int_pk

if TYPE_CHECKING:
    from web.models.accounts import User
    from web.models.profiles import ApprenticeProfile
    from web.models.program import Cohort


class OutcomeKind(enum.StrEnum):
    """What an apprentice did next: applied to a city job, was hired, studied on, other."""

    APPLIED = "applied"
    HIRED = "hired"
    CONTINUED_STUDY = "continued_study"
    OTHER = "other"


class OutcomeSource(enum.StrEnum):
    """How an outcome reached Pathways: typed on a page or imported from a CSV file."""

    MANUAL = "manual"
    IMPORT = "import"


class YearClosingStatus(enum.StrEnum):
    """A year closing's emails: waiting for the worker, going out, all sent, or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


RETENTION_MONTHS = (6, 12)


class Outcome(db.Model):
    """One thing an apprentice did after the program, on a date, and who recorded it."""

    __tablename__ = "outcomes"
    __table_args__ = (
        Index("ix_outcomes_apprentice", "apprentice_id"),
        Index("ix_outcomes_kind_occurred", "kind", "occurred_on"),
    )

    id: Mapped[int_pk]
    apprentice_id: Mapped[int] = mapped_column(
        ForeignKey("apprentice_profiles.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20))
    # For a city job (applied or hired): a department and a title of the city's titles list.
    department: Mapped[str] = mapped_column(String(120), default="")
    job_title: Mapped[str] = mapped_column(String(120), default="")
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default=OutcomeSource.MANUAL)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    apprentice: Mapped[ApprenticeProfile] = relationship()
    entered_by: Mapped[User | None] = relationship()
    retention_checks: Mapped[list[RetentionCheck]] = relationship(
        back_populates="outcome",
        cascade="all, delete-orphan",
        order_by="RetentionCheck.months",
    )


class RetentionCheck(db.Model):
    """Whether a hired apprentice is still employed 6 or 12 months after the hire."""

    __tablename__ = "retention_checks"
    __table_args__ = (
        UniqueConstraint("outcome_id", "months"),
        Index("ix_retention_checks_due", "due_on"),
    )

    id: Mapped[int_pk]
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"))
    months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    # None until someone records the answer.
    still_employed: Mapped[bool | None]
    checked_on: Mapped[date | None] = mapped_column(Date)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The day the coordinator and partner were asked to record it (asked once).
    requested_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[created_at]

    outcome: Mapped[Outcome] = relationship(back_populates="retention_checks")
    checked_by: Mapped[User | None] = relationship()


class CohortYearClosing(db.Model):
    """A coordinator closing a cohort's program year, and the emails that followed."""

    __tablename__ = "cohort_year_closings"

    id: Mapped[int_pk]
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), unique=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_count: Mapped[int] = mapped_column(default=0)
    ended_early_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=YearClosingStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    progress_message: Mapped[str] = mapped_column(String(200), default="Waiting for a worker")
    emails_total: Mapped[int] = mapped_column(default=0)
    emails_sent: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cohort: Mapped[Cohort] = relationship()
    closed_by: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        """True once the emails have all gone out, or the job failed."""
        return self.status in (YearClosingStatus.SUCCEEDED, YearClosingStatus.FAILED)
