"""Builders for apprentice and mentor profiles in tests."""

from __future__ import annotations

from itertools import count

from sqlalchemy import select

from tests.conftest import make_user
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeSkill,
    MentorProfile,
    MentorSkill,
    Role,
    Skill,
)

_serial = count(1)
EVENINGS = [[0, 17 * 60, 20 * 60], [2, 17 * 60, 20 * 60]]


def _skill(key: str) -> Skill:
    return db.session.scalar(select(Skill).where(Skill.key == key))


def make_apprentice(program, partner=None, *, skills=("python",), **fields) -> ApprenticeProfile:
    """An apprentice of `partner` (default partner A) in the program's cohort."""
    n = next(_serial)
    wanted = [ApprenticeSkill(skill=_skill(key), level=2) for key in skills]
    user = make_user(Role.APPRENTICE, f"apprentice{n}@students.example.org", f"Apprentice {n}")
    profile = ApprenticeProfile(
        user=user,
        partner=partner or program.partner_a,
        cohort=program.cohort,
        pathways=fields.pop("pathways", ["software_development"]),
        availability=fields.pop("availability", EVENINGS),
        languages=fields.pop("languages", ["english"]),
        **fields,
    )
    profile.skills = wanted
    db.session.add(profile)
    db.session.flush()
    return profile


def make_mentor(*, skills=("python",), **fields) -> MentorProfile:
    """A mentor from the Department of Innovation and Technology."""
    n = next(_serial)
    offered = [MentorSkill(skill=_skill(key), level=3) for key in skills]
    user = make_user(Role.MENTOR, f"mentor{n}@cityofchicago.example", f"Mentor {n}")
    profile = MentorProfile(
        user=user,
        department=fields.pop("department", "Department of Innovation and Technology"),
        job_title=fields.pop("job_title", "IT Engineer"),
        pathways=fields.pop("pathways", ["software_development"]),
        availability=fields.pop("availability", EVENINGS),
        languages=fields.pop("languages", ["english"]),
        **fields,
    )
    profile.skills = offered
    db.session.add(profile)
    db.session.flush()
    return profile
