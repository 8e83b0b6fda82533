"""The skills taxonomy in the database."""

from __future__ import annotations

from sqlalchemy import select

from web.catalog import SKILL_TAXONOMY
from web.extensions import db
from web.models import Skill


def ensure_skills() -> list[Skill]:
    """Add any taxonomy skill missing from the database; return all skills by label."""
    known = set(db.session.scalars(select(Skill.key)))
    for key, label, category in SKILL_TAXONOMY:
        if key not in known:
            db.session.add(Skill(key=key, label=label, category=category))
    db.session.flush()
    return list(db.session.scalars(select(Skill).order_by(Skill.category, Skill.label)))


def skills_by_key() -> dict[str, Skill]:
    """Every skill, keyed by its key."""
    return {skill.key: skill for skill in db.session.scalars(select(Skill))}
