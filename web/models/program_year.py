"""The program year of a pair: meetings, goals, surveys, reminders, flags, email choices."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
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
    from web.models.mentorships import Mentorship

MAX_GOALS = 5


class Meeting(db.Model):
    """A meeting of a pair: logged once held, or proposed with a calendar invitation."""

    __tablename__ = "meetings"

    id: Mapped[int_pk]
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    proposed: Mapped[bool] = mapped_column(default=False)
    uid: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[created_at]

    mentorship: Mapped[Mentorship] = relationship()
    author: Mapped[User | None] = relationship()


class Goal(db.Model):
    """One of the pair's 1–5 goals, tied to skills of the taxonomy; the mentor signs it off."""

    __tablename__ = "goals"

    id: Mapped[int_pk]
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    skill_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    met_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[created_at]

    mentorship: Mapped[Mentorship] = relationship()
    proposed_by: Mapped[User | None] = relationship()


class EmailPreference(db.Model):
    """Whether a person still wants the program's non-essential emails."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    non_essential: Mapped[bool] = mapped_column(default=True)
    changed_at: Mapped[created_at]


class CohortReminderSettings(db.Model):
    """Per cohort: days before a mentor who has not confirmed is nudged, then escalated."""

    __tablename__ = "cohort_reminder_settings"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    nudge_after_days: Mapped[int] = mapped_column(Integer, default=7)
    escalate_after_days: Mapped[int] = mapped_column(Integer, default=14)


class ReminderSent(db.Model):
    """One periodic email sent for a period (a day or a month); never sent twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("kind", "subject_key", "audience", "period"),)

    id: Mapped[int_pk]
    kind: Mapped[str] = mapped_column(String(40))
    subject_key: Mapped[str] = mapped_column(String(40))
    # "user:<id>" for a person, "partner:<id>" for a partner institution's addresses.
    audience: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    period: Mapped[str] = mapped_column(String(20))
    sent_on: Mapped[date] = mapped_column(Date)


class PairFlag(db.Model):
    """Something about a pair a coordinator should look at."""

    __tablename__ = "pair_flags"
    __table_args__ = (
        UniqueConstraint("mentorship_id", "kind", "period"),
        Index("ix_pair_flags_open", "resolved_at", "id"),
    )

    id: Mapped[int_pk]
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    raised_on: Mapped[date] = mapped_column(Date)
    digested_on: Mapped[date | None] = mapped_column(Date)
    # Open until a coordinator resolves it, saying what was done.
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(Text, default="", server_default="")

    mentorship: Mapped[Mentorship] = relationship()
    resolved_by: Mapped[User | None] = relationship()


class Survey(db.Model):
    """A pulse or end-of-year survey of one side of a pair, answered once from a link."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("mentorship_id", "respondent_id", "kind"),)

    id: Mapped[int_pk]
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    sent_on: Mapped[date] = mapped_column(Date)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    satisfaction: Mapped[int | None]
    would_recommend: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    mentorship: Mapped[Mentorship] = relationship()
    respondent: Mapped[User] = relationship()
