"""The program's fixed points: partner institutions, cohorts and the skills taxonomy."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, String, Text
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
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    # A deactivated partner takes no new apprentices; its records stay.
    active: Mapped[bool] = mapped_column(default=True)
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
    # An archived cohort is finished: read-only, still counted in reports.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The stated-preferences step: open from opened_at until closed_at is set.
    preferences_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    preferences_closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[created_at]
    # When the retention task erased the cohort's personal data, and the counts it kept.
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retained_statistics: Mapped[dict | None] = mapped_column(JSON)
    # When a coordinator closed the cohort's program year (web/services/completion.py).
    year_closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    apprentices: Mapped[list[ApprenticeProfile]] = relationship(back_populates="cohort")
    rounds: Mapped[list[MatchRound]] = relationship(
        back_populates="cohort", order_by="MatchRound.id.desc()"
    )

    @property
    def archived(self) -> bool:
        """True once the cohort is archived and no longer changes."""
        return self.archived_at is not None

    @property
    def preferences_open(self) -> bool:
        """True while apprentices may rank mentors and mentors mark apprentices."""
        return (
            self.preferences_opened_at is not None
            and self.preferences_closed_at is None
            and not self.archived
        )

    @property
    def year_closed(self) -> bool:
        """True once the cohort's program year is closed and its pairs completed or ended."""
        return self.year_closed_at is not None


class Skill(db.Model):
    """One entry of the skills taxonomy, drawn from the city's IT job class specifications."""

    __tablename__ = "skills"

    id: Mapped[int_pk]
    key: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(60), default="")
