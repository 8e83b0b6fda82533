"""The program's fixed points: partner institutions, cohorts and the skills taxonomy."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import created_at, int_pk

if TYPE_CHECKING:
    from web.models.accounts import User
    from web.models.matching import MatchRound
    from web.models.profiles import ApprenticeProfile

PARTNER_KINDS = {
    "community_college": "Community college",
    "high_school": "High school",
    "university": "University",
    "nonprofit": "Nonprofit",
}


class PartnerInstitution(db.Model):
    """A STEM partner (college, high school, university, nonprofit) that sends apprentices."""

    __tablename__ = "partner_institutions"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[created_at]

    contacts: Mapped[list[User]] = relationship(back_populates="partner")
    apprentices: Mapped[list[ApprenticeProfile]] = relationship(back_populates="partner")


class Cohort(db.Model):
    """A program intake that apprentices join and that is matched in rounds."""

    __tablename__ = "cohorts"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    registration_open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]

    apprentices: Mapped[list[ApprenticeProfile]] = relationship(back_populates="cohort")
    rounds: Mapped[list[MatchRound]] = relationship(
        back_populates="cohort", order_by="MatchRound.id.desc()"
    )


class Skill(db.Model):
    """One entry of the skills taxonomy, drawn from the city's IT job class specifications."""

    __tablename__ = "skills"

    id: Mapped[int_pk]
    key: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(60), default="")
