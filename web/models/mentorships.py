"""Published pairs running through the program year, and their monthly check-ins."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import created_at, int_pk

if TYPE_CHECKING:
    from web.models.accounts import User
    from web.models.matching import ProposedMatch
    from web.models.profiles import ApprenticeProfile, MentorProfile


class MentorshipStatus(enum.StrEnum):
    """A published pair: waiting for the mentor, active, declined, or ended."""

    AWAITING_MENTOR = "awaiting_mentor"
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"


class MentorshipOutcome(enum.StrEnum):
    """Why a mentorship stopped: it ran its course, ended early, was declined, or withdrawn."""

    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Mentorship(db.Model):
    """An approved pair once published to the apprentice, the mentor and the partner."""

    __tablename__ = "mentorships"
    __table_args__ = (
        Index("ix_mentorships_apprentice", "apprentice_id"),
        Index("ix_mentorships_mentor_status", "mentor_id", "status"),
        Index("ix_mentorships_status", "status"),
    )

    id: Mapped[int_pk]
    match_id: Mapped[int] = mapped_column(ForeignKey("proposed_matches.id"), unique=True)
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("apprentice_profiles.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id"))
    status: Mapped[str] = mapped_column(String(20), default=MentorshipStatus.AWAITING_MENTOR)
    published_at: Mapped[created_at]
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str] = mapped_column(Text, default="")
    # Set when the mentorship stops; None while it runs, and for endings recorded before 0007.
    end_outcome: Mapped[str | None] = mapped_column(String(20))

    match: Mapped[ProposedMatch] = relationship()
    apprentice: Mapped[ApprenticeProfile] = relationship()
    mentor: Mapped[MentorProfile] = relationship()
    check_ins: Mapped[list[CheckIn]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", order_by="CheckIn.month"
    )


class CheckIn(db.Model):
    """One side's monthly check-in on a mentorship: a 1–5 rating and a note."""

    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("mentorship_id", "author_id", "month"),
        Index("ix_check_ins_month", "month", "mentorship_id"),
    )

    id: Mapped[int_pk]
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(20))
    month: Mapped[str] = mapped_column(String(7))
    rating: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]

    mentorship: Mapped[Mentorship] = relationship(back_populates="check_ins")
    author: Mapped[User | None] = relationship()
