"""Stated preferences: apprentices' ranked mentors and mentors' marks on apprentices."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import int_pk, utcnow

if TYPE_CHECKING:
    from web.models.profiles import ApprenticeProfile, MentorProfile


class MentorMarkKind(enum.StrEnum):
    """What a mentor said about an apprentice; saying nothing is 'no preference'."""

    PREFERRED = "preferred"
    NOT_FIT = "not_fit"


class MentorRanking(db.Model):
    """One mentor an apprentice ranked: rank 1 is their first choice."""

    __tablename__ = "mentor_rankings"
    __table_args__ = (
        UniqueConstraint("apprentice_id", "rank"),
        UniqueConstraint("apprentice_id", "mentor_id"),
    )

    id: Mapped[int_pk]
    apprentice_id: Mapped[int] = mapped_column(
        ForeignKey("apprentice_profiles.id", ondelete="CASCADE")
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    rank: Mapped[int]
    stated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    apprentice: Mapped[ApprenticeProfile] = relationship()
    mentor: Mapped[MentorProfile] = relationship()


class MentorMark(db.Model):
    """A mentor's mark on an apprentice: preferred, or not a good fit."""

    __tablename__ = "mentor_marks"
    __table_args__ = (
        UniqueConstraint("mentor_id", "apprentice_id"),
        Index("ix_mentor_marks_apprentice", "apprentice_id"),
    )

    id: Mapped[int_pk]
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    apprentice_id: Mapped[int] = mapped_column(
        ForeignKey("apprentice_profiles.id", ondelete="CASCADE")
    )
    mark: Mapped[str] = mapped_column(String(20))
    stated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
