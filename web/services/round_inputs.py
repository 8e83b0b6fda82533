"""The matcher's inputs read straight from the tables: two statements per side, any size.

Rounds and readiness checks read thousands of profiles; loading them as ORM objects with
their users and skills one by one costs a statement per person. These Core selects read
only the columns the matcher needs, and give the same `Apprentice` and `Mentor` values as
`matching_inputs.apprentice_input` and `mentor_input`. A round also asks for the stated
preferences (ranked mentors, mentors' marks): one more statement per side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import ColumnElement, Select, select

from matcher import Apprentice, Mentor
from web.catalog import label, slots_from_json
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeSkill,
    MentorMark,
    MentorMarkKind,
    MentorProfile,
    MentorRanking,
    MentorSkill,
    PartnerInstitution,
    Skill,
    User,
)
from web.services import background_checks

# Server-side batches when reading rows, so a state-size round never holds two copies.
BATCH = 2000


def load_apprentices(*conditions: ColumnElement[bool], stated: bool = False) -> list[Apprentice]:
    """Apprentices whose profile meets `conditions`, by id, as the matcher sees them.

    With `stated`, each carries the mentors they ranked, first choice first.
    """
    ids = select(ApprenticeProfile.id).where(*conditions)
    skills = _skills(
        ApprenticeSkill.apprentice_id, ApprenticeSkill.skill_id, ApprenticeSkill.level, ids
    )
    ranked = _rankings(ids) if stated else {}
    rows = db.session.execute(
        select(
            ApprenticeProfile.id,
            User.name,
            User.email,
            PartnerInstitution.name.label("partner"),
            ApprenticeProfile.pathways,
            ApprenticeProfile.availability,
            ApprenticeProfile.mode,
            ApprenticeProfile.region,
            ApprenticeProfile.languages,
            ApprenticeProfile.is_minor,
            ApprenticeProfile.exclude_mentor_ids,
        )
        .join(PartnerInstitution, ApprenticeProfile.partner_id == PartnerInstitution.id)
        .outerjoin(User, ApprenticeProfile.user_id == User.id)
        .where(*conditions)
        .order_by(ApprenticeProfile.id)
        .execution_options(yield_per=BATCH)
    )
    return [
        Apprentice(
            id=str(row.id),
            name=row.name if row.name is not None else f"Withdrawn apprentice #{row.id}",
            email=row.email or "",
            partner=row.partner,
            pathways=_labels(row.pathways),
            skills=skills.get(row.id, {}),
            availability=slots_from_json(row.availability),
            mode=row.mode,
            region=label(row.region),
            languages=_labels(row.languages),
            minor=row.is_minor,
            exclude_mentors=frozenset(str(m) for m in row.exclude_mentor_ids),
            ranked_mentors=ranked.get(row.id, ()),
        )
        for row in rows
    ]


def load_mentors(
    *conditions: ColumnElement[bool],
    taken: Mapping[int, int],
    kept: Mapping[int, int] | None = None,
    marked: Select | None = None,
) -> list[Mentor]:
    """Mentors meeting `conditions`, by id, with the places they have left.

    An accepting mentor has their capacity less `taken` (places of running mentorships);
    one who stopped accepting has room for their `kept` pairs only. `marked` selects the
    apprentice ids whose "preferred" and "not a good fit" marks each mentor carries.
    """
    kept = kept or {}
    ids = select(MentorProfile.id).where(*conditions)
    skills = _skills(MentorSkill.mentor_id, MentorSkill.skill_id, MentorSkill.level, ids)
    marks = _marks(ids, marked) if marked is not None else {}
    rows = db.session.execute(
        select(
            MentorProfile.id,
            User.name,
            User.email,
            MentorProfile.department,
            MentorProfile.job_title,
            MentorProfile.pathways,
            MentorProfile.capacity,
            MentorProfile.accepting,
            MentorProfile.availability,
            MentorProfile.mode,
            MentorProfile.region,
            MentorProfile.languages,
            MentorProfile.background_checked,
            MentorProfile.background_check_expires_at,
        )
        .join(User, MentorProfile.user_id == User.id)
        .where(*conditions)
        .order_by(MentorProfile.id)
        .execution_options(yield_per=BATCH)
    )
    return [
        Mentor(
            id=str(row.id),
            name=row.name,
            email=row.email,
            department=row.department,
            title=row.job_title,
            pathways=_labels(row.pathways),
            skills=skills.get(row.id, {}),
            capacity=(
                max(row.capacity - taken.get(row.id, 0), 0)
                if row.accepting
                else kept.get(row.id, 0)
            ),
            availability=slots_from_json(row.availability),
            mode=row.mode,
            region=label(row.region),
            languages=_labels(row.languages),
            # A lapsed check counts as none: the row has the fields `is_valid` reads.
            background_checked=background_checks.is_valid(row),
            preferred=marks.get((row.id, MentorMarkKind.PREFERRED), frozenset()),
            not_fit=marks.get((row.id, MentorMarkKind.NOT_FIT), frozenset()),
        )
        for row in rows
    ]


def _rankings(apprentice_ids: Select) -> dict[int, tuple[str, ...]]:
    """Apprentice id -> the mentor ids they ranked, first choice first."""
    rows = db.session.execute(
        select(MentorRanking.apprentice_id, MentorRanking.mentor_id)
        .where(MentorRanking.apprentice_id.in_(apprentice_ids))
        .order_by(MentorRanking.apprentice_id, MentorRanking.rank)
    )
    ranked: dict[int, list[str]] = defaultdict(list)
    for apprentice_id, mentor_id in rows:
        ranked[apprentice_id].append(str(mentor_id))
    return {a: tuple(ids) for a, ids in ranked.items()}


def _marks(mentor_ids: Select, apprentice_ids: Select) -> dict[tuple[int, str], frozenset[str]]:
    """(mentor id, mark) -> the apprentice ids the mentor marked so, among `apprentice_ids`."""
    rows = db.session.execute(
        select(MentorMark.mentor_id, MentorMark.mark, MentorMark.apprentice_id).where(
            MentorMark.mentor_id.in_(mentor_ids), MentorMark.apprentice_id.in_(apprentice_ids)
        )
    )
    marks: dict[tuple[int, str], set[str]] = defaultdict(set)
    for mentor_id, mark, apprentice_id in rows:
        marks[(mentor_id, mark)].add(str(apprentice_id))
    return {key: frozenset(ids) for key, ids in marks.items()}


def _skills(owner_column, skill_column, level_column, owner_ids) -> dict[int, dict[str, int]]:
    """Owner id -> {skill label: level}, for the owners `owner_ids` selects."""
    rows = db.session.execute(
        select(owner_column, Skill.label, level_column)
        .join(Skill, Skill.id == skill_column)
        .where(owner_column.in_(owner_ids))
        .execution_options(yield_per=BATCH)
    )
    skills: dict[int, dict[str, int]] = defaultdict(dict)
    for owner, skill_label, level in rows:
        skills[owner][skill_label] = level
    return skills


def _labels(keys: list[str]) -> frozenset[str]:
    return frozenset(map(label, keys))
