"""Figures counted over a whole cohort, kept until the program changes."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from web.extensions import db


class ProgramVersion(db.Model):
    """A counter, raised in the same transaction as every change to what it watches.

    Kept figures carry the version they were counted at: a different version means the
    program changed since, so they are counted again. Row 1 watches people, pairs and
    rounds; row 2 the set-up (partners, cohorts, skills). Each row is made by its first
    change; before that its version is 0.
    """

    __tablename__ = "program_versions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=0)


class KeptFigures(db.Model):
    """Figures of one page part ("cohort:3"), as counted at a program version."""

    __tablename__ = "kept_figures"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int]
    figures: Mapped[dict] = mapped_column(JSON)
