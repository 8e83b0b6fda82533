"""People who sign in, and the API tokens partners create."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.extensions import db
from web.models.base import created_at, int_pk

if TYPE_CHECKING:
    from web.models.profiles import ApprenticeProfile, MentorProfile
    from web.models.program import PartnerInstitution


class Role(enum.StrEnum):
    """What a user does in the program; each role has its own pages."""

    APPRENTICE = "apprentice"
    MENTOR = "mentor"
    COORDINATOR = "coordinator"
    PARTNER = "partner"


class CoordinatorRole(enum.StrEnum):
    """What a coordinator may do: a program admin everything, a reviewer only read."""

    ADMIN = "admin"
    REVIEWER = "reviewer"


class User(UserMixin, db.Model):
    """An account: apprentice, mentor, program coordinator or partner-institution contact."""

    __tablename__ = "users"
    __table_args__ = (
        # Accounts are looked up by email in any letter case (sign-in, registration).
        Index("ix_users_email_lower", text("lower(email)")),
        # Lists of people (mentors, a partner's apprentices) are read by name a page at a time;
        # lists in alphabetical order read the names lowercased.
        Index("ix_users_name", "name"),
        Index("ix_users_lower_name_id", text("lower(name)"), "id"),
    )

    id: Mapped[int_pk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner_institutions.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Only coordinators have one: "admin" (program admin) or "reviewer"; None is no power.
    coordinator_role: Mapped[str | None] = mapped_column(String(20))
    # Accounts made by the program (imports, invitations, demo) are trusted; a self-registered
    # one counts only once its owner opened the link emailed to the address.
    email_verified: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]
    # Set when the person's data was erased: the row stays, as the audit log points at it.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of every session cookie's user id: raising it ends all of the user's sessions.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # The language the person chose for pages and emails (a code of web/translations);
    # None until they choose, when their browser's language is used.
    language: Mapped[str | None] = mapped_column(String(12))

    partner: Mapped[PartnerInstitution | None] = relationship(back_populates="contacts")
    apprentice_profile: Mapped[ApprenticeProfile | None] = relationship(back_populates="user")
    mentor_profile: Mapped[MentorProfile | None] = relationship(
        back_populates="user", foreign_keys="MentorProfile.user_id"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: the user id and the session version."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        """Store an Argon2id hash of `password`, never the password itself."""
        from web.auth.passwords import hash_password

        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        """True if `password` matches the stored hash."""
        from web.auth.passwords import verify_password

        return verify_password(self.password_hash, password).matches

    def has_role(self, role: Role) -> bool:
        """True if this user acts in `role`."""
        return self.role == role

    @property
    def is_program_admin(self) -> bool:
        """True for a coordinator who may change the program, not only read it."""
        return self.role == Role.COORDINATOR and self.coordinator_role == CoordinatorRole.ADMIN


class ApiToken(db.Model):
    """A read-only API token of one partner institution; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int_pk]
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner_institutions.id"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    partner: Mapped[PartnerInstitution] = relationship()
