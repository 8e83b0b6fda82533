"""Apprentice and mentor profiles: what each side brings to a matching round."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import created_at, int_pk

if TYPE_CHECKING:
    from web.models.accounts import User
    from web.models.program import Cohort, PartnerInstitution, Skill


class ApprenticeStatus(enum.StrEnum):
    """Where an apprentice stands, from registration to the end of the program."""

    REGISTERED = "registered"
    PROPOSED = "proposed"
    APPROVED = "approved"
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"


class MentorVetting(enum.StrEnum):
    """Whether the program accepted a mentor's offer: self sign-ups wait for a coordinator."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


def apprentice_display_name(apprentice_id: int, status: str, user_name: str | None) -> str:
    """An apprentice's name, or a neutral label once they withdrew or their data was erased."""
    if user_name is not None:
        return user_name
    if status == ApprenticeStatus.WITHDRAWN:
        return f"Withdrawn apprentice #{apprentice_id}"
    return f"Apprentice #{apprentice_id} (data erased)"


class ApprenticeProfile(db.Model):
    """An apprentice's registration: partner, cohort, goals, schedule and needs."""

    __tablename__ = "apprentice_profiles"
    __table_args__ = (
        Index("ix_apprentice_profiles_cohort_status", "cohort_id", "status"),
        Index("ix_apprentice_profiles_partner_cohort", "partner_id", "cohort_id"),
    )

    id: Mapped[int_pk]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner_institutions.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    pathways: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    mode: Mapped[str] = mapped_column(String(20), default="either")
    region: Mapped[str] = mapped_column(String(40), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    date_of_birth: Mapped[date | None]
    # Derived from date_of_birth at the cohort's start (web/services/minors.py), never ticked;
    # stored because the matcher and its queries read it.
    is_minor: Mapped[bool] = mapped_column(default=False)
    guardian_name: Mapped[str] = mapped_column(String(120), default="")
    guardian_email: Mapped[str] = mapped_column(String(254), default="")
    guardian_consent_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    guardian_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exclude_mentor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    goals: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ApprenticeStatus.REGISTERED)
    created_at: Mapped[created_at]

    user: Mapped[User | None] = relationship(back_populates="apprentice_profile")
    partner: Mapped[PartnerInstitution] = relationship(back_populates="apprentices")
    cohort: Mapped[Cohort] = relationship(back_populates="apprentices")
    skills: Mapped[list[ApprenticeSkill]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def display_name(self) -> str:
        """The apprentice's name, or a neutral label once their data is erased."""
        return apprentice_display_name(self.id, self.status, self.user.name if self.user else None)


class ApprenticeSkill(db.Model):
    """A skill an apprentice wants to learn, and how much (1 = basics, 3 = in depth)."""

    __tablename__ = "apprentice_skills"

    apprentice_id: Mapped[int] = mapped_column(
        ForeignKey("apprentice_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    level: Mapped[int] = mapped_column(default=1)

    skill: Mapped[Skill] = relationship(lazy="joined")


class MentorProfile(db.Model):
    """A city IT staff member's offer to mentor: expertise, capacity and schedule."""

    __tablename__ = "mentor_profiles"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    department: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120))
    pathways: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=1)
    availability: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    mode: Mapped[str] = mapped_column(String(20), default="either")
    region: Mapped[str] = mapped_column(String(40), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The mentor says they completed the city's background check; a coordinator confirms it.
    # Only a confirmed check (background_checked) lets the matcher pair them with a minor.
    background_check_declared: Mapped[bool] = mapped_column(default=False)
    background_checked: Mapped[bool] = mapped_column(default=False)
    background_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    background_checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A confirmed check is valid until it expires (BACKGROUND_CHECK_VALID_DAYS after it was
    # confirmed); a lapse or a withdrawal is reported to the program admins once.
    background_check_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    background_check_withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    background_check_lapse_reported_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )
    phone: Mapped[str] = mapped_column(String(40), default="")
    accepting: Mapped[bool] = mapped_column(default=True)
    # Imported and demo mentors are approved; a self sign-up is pending until vetted.
    vetting: Mapped[str] = mapped_column(String(20), default=MentorVetting.APPROVED)
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(
        back_populates="mentor_profile", lazy="joined", foreign_keys=[user_id]
    )
    background_checked_by: Mapped[User | None] = relationship(
        foreign_keys=[background_checked_by_id]
    )
    skills: Mapped[list[MentorSkill]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class MentorSkill(db.Model):
    """A skill a mentor can teach, with their level (1 = working, 3 = expert)."""

    __tablename__ = "mentor_skills"

    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    level: Mapped[int] = mapped_column(default=1)

    skill: Mapped[Skill] = relationship(lazy="joined")
