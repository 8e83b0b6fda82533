"""Matching rounds and what they propose."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import created_at, int_pk

if TYPE_CHECKING:
    from web.models.accounts import User
    from web.models.profiles import ApprenticeProfile, MentorProfile
    from web.models.program import Cohort


class RoundStatus(enum.StrEnum):
    """A round's life: queued, running, then succeeded or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class MatchStatus(enum.StrEnum):
    """A coordinator's decision on one proposed pair."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class MatchRound(db.Model):
    """One run of the matcher over a cohort, with the settings it ran with."""

    __tablename__ = "match_rounds"
    __table_args__ = (Index("ix_match_rounds_cohort", "cohort_id"),)

    id: Mapped[int_pk]
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    status: Mapped[str] = mapped_column(String(20), default=RoundStatus.QUEUED)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    progress_message: Mapped[str] = mapped_column(String(200), default="Waiting for a worker")
    error: Mapped[str | None] = mapped_column(Text)
    report: Mapped[dict | None] = mapped_column(JSON)
    solve_path: Mapped[str | None] = mapped_column(String(60))
    task_id: Mapped[str | None] = mapped_column(String(60))
    attempts: Mapped[int] = mapped_column(default=0)
    previous_round_id: Mapped[int | None] = mapped_column(ForeignKey("match_rounds.id"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cohort: Mapped[Cohort] = relationship(back_populates="rounds")
    started_by: Mapped[User | None] = relationship()
    matches: Mapped[list[ProposedMatch]] = relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="ProposedMatch.score.desc()",
    )
    unmatched: Mapped[list[UnmatchedApprentice]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    @property
    def finished(self) -> bool:
        """True once the round has either succeeded or failed."""
        return self.status in (RoundStatus.SUCCEEDED, RoundStatus.FAILED)


class ProposedMatch(db.Model):
    """A pair the matcher proposed, its score and reasons, and the coordinator's decision."""

    __tablename__ = "proposed_matches"
    __table_args__ = (
        UniqueConstraint("round_id", "apprentice_id"),
        # The review's default order (best score first, then first proposed) read off the index.
        Index("ix_proposed_matches_round_score_id", "round_id", text("score DESC"), "id"),
    )

    id: Mapped[int_pk]
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id", ondelete="CASCADE"))
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("apprentice_profiles.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id"))
    score: Mapped[float] = mapped_column(Float)
    components: Mapped[dict] = mapped_column(JSON, default=dict)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=MatchStatus.PROPOSED)
    locked: Mapped[bool] = mapped_column(default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[MatchRound] = relationship(back_populates="matches")
    apprentice: Mapped[ApprenticeProfile] = relationship()
    mentor: Mapped[MentorProfile] = relationship()
    decided_by: Mapped[User | None] = relationship()


class UnmatchedApprentice(db.Model):
    """An apprentice a round left without a mentor, with the binding reason."""

    __tablename__ = "unmatched_apprentices"
    __table_args__ = (
        UniqueConstraint("round_id", "apprentice_id"),
        Index("ix_unmatched_apprentices_round_id", "round_id", "id"),
    )

    id: Mapped[int_pk]
    round_id: Mapped[int] = mapped_column(ForeignKey("match_rounds.id", ondelete="CASCADE"))
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("apprentice_profiles.id"))
    code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    round: Mapped[MatchRound] = relationship(back_populates="unmatched")
    apprentice: Mapped[ApprenticeProfile] = relationship()
