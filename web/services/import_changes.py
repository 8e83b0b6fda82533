"""Re-imports that would change someone already in a pair: shown field by field, confirmed per row.

An apprentice who is proposed, approved or working with a mentor keeps their cohort,
partner (and any field listed in APPRENTICE_FIELDS) unless the coordinator ticks that row
in the preview; a mentor with live pairs keeps every field (MENTOR_FIELDS) the same way.
Rows not ticked are left unchanged and reported on the import's page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from web import catalog
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    Cohort,
    Mentorship,
    MentorshipStatus,
    Skill,
)
from web.services import audit

logger = logging.getLogger(__name__)

GUARDED_STATUSES = (ApprenticeStatus.PROPOSED, ApprenticeStatus.APPROVED, ApprenticeStatus.ACTIVE)
LIVE = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)


@dataclass(frozen=True)
class FieldChange:
    """One field a row would change: what it says now and what the file says."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Watched:
    """A field whose change needs confirmation: how to read it now, and from the file."""

    field: str
    label: str
    now: Callable[[object, _Names], str]
    incoming: Callable[[dict, _Names], str]


@dataclass
class _Names:
    """Labels for ids, loaded once per file: cohorts, skills, and the file's cohort."""

    cohorts: dict[int, str]
    skills: dict[int, str]
    cohort_id: int | None

    @classmethod
    def load(cls, cohort_id: int | None) -> _Names:
        cohorts = dict(db.session.execute(select(Cohort.id, Cohort.name)).all())
        skills = dict(db.session.execute(select(Skill.id, Skill.label)).all())
        return cls(cohorts, skills, cohort_id)


def _labels(keys: Iterable[str]) -> str:
    return ", ".join(sorted(catalog.label(key) for key in keys)) or "—"


def _skills(levels: dict[int, int], names: _Names) -> str:
    shown = sorted(f"{names.skills.get(skill, skill)} ({level})" for skill, level in levels.items())
    return ", ".join(shown) or "—"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _text(value) -> str:
    return "" if value is None else str(value)


def _same(field: str, label: str, show: Callable = _text, attribute: str = "") -> Watched:
    """A field stored on the profile under `attribute` (or its own name) and read as `show`."""
    return Watched(
        field,
        label,
        lambda profile, names: show(getattr(profile, attribute or field)),
        lambda values, names: show(values[field]),
    )


# Adding a guarded field is one line here.
APPRENTICE_FIELDS = (
    Watched(
        "cohort",
        "Cohort",
        lambda p, n: n.cohorts.get(p.cohort_id, ""),
        lambda v, n: n.cohorts.get(n.cohort_id, ""),
    ),
    _same("partner", "Partner institution", lambda partner: partner.name),
    _same("date_of_birth", "Date of birth"),
)
MENTOR_FIELDS = (
    Watched("name", "Name", lambda p, n: p.user.name, lambda v, n: v["name"]),
    _same("department", "Department"),
    _same("title", "Job title", attribute="job_title"),
    _same("capacity", "Places"),
    _same("pathways", "Pathways", _labels),
    Watched(
        "skills",
        "Skills",
        lambda p, n: _skills({s.skill_id: s.level for s in p.skills}, n),
        lambda v, n: _skills(v["skills"], n),
    ),
    _same("availability", "When they can meet", catalog.format_availability),
    _same("mode", "How they meet", catalog.label),
    _same("region", "Part of the city", catalog.label),
    _same("languages", "Languages", _labels),
    _same("background_checked", "Background check", _yes),
)


def mark_guarded_changes(
    rows, kind_is_apprentices: bool, users: dict, cohort_id: int | None
) -> None:
    """Fill `row.changes` for each update that would change a guarded person's watched fields.

    `rows` are the file's rows without problems; `users` the file's existing accounts by email.
    """
    updates = [row for row in rows if row.action == "update" and row.email in users]
    if not updates:
        return
    names = _Names.load(cohort_id)
    if kind_is_apprentices:
        profiles = {row.email: users[row.email].apprentice_profile for row in updates}
        guarded = {e for e, p in profiles.items() if p is not None and p.status in GUARDED_STATUSES}
        fields = APPRENTICE_FIELDS
    else:
        profiles = {row.email: users[row.email].mentor_profile for row in updates}
        busy = _mentors_with_live_pairs([p.id for p in profiles.values() if p is not None])
        guarded = {e for e, p in profiles.items() if p is not None and p.id in busy}
        fields = MENTOR_FIELDS
    for row in updates:
        if row.email in guarded:
            row.changes = _changes(profiles[row.email], row.values, fields, names)


def unconfirmed(row, confirmed: dict[str, list[str]]) -> bool:
    """True if the row changes guarded fields the coordinator did not tick for it."""
    if not row.changes:
        return False
    return not {change.field for change in row.changes} <= set(confirmed.get(row.email, ()))


def described(row) -> dict:
    """A row left unchanged, as the import keeps it for its page."""
    return {
        "line": row.line,
        "email": row.email,
        "changes": [[c.label, c.old, c.new] for c in row.changes],
    }


def _changes(
    profile, values: dict, fields: tuple[Watched, ...], names: _Names
) -> list[FieldChange]:
    changes = []
    for watched in fields:
        old, new = watched.now(profile, names), watched.incoming(values, names)
        if old != new:
            changes.append(FieldChange(watched.field, watched.label, old, new))
    return changes


def _mentors_with_live_pairs(mentor_ids: list[int]) -> set[int]:
    if not mentor_ids:
        return set()
    rows = db.session.execute(
        select(Mentorship.mentor_id, func.count())
        .where(Mentorship.mentor_id.in_(mentor_ids), Mentorship.status.in_(LIVE))
        .group_by(Mentorship.mentor_id)
    )
    return {mentor_id for mentor_id, _ in rows}


def leave_unconfirmed(preview, confirmed: dict[str, list[str]]) -> list[dict]:
    """Take out of `preview` the rows whose changes were not ticked; describe them."""
    left = [row for row in preview.rows if unconfirmed(row, confirmed)]
    if left:
        preview.rows = [row for row in preview.rows if not unconfirmed(row, confirmed)]
        logger.info("import: %d row(s) left unchanged, not confirmed", len(left))
    return [described(row) for row in left]


def record_confirmed(preview, users: dict, actor) -> None:
    """Audit each confirmed change of someone in a pair, on their profile, field by field."""
    for row in preview.to_confirm:
        user = users[row.email]
        profile = user.apprentice_profile or user.mentor_profile
        changed = {c.field: [c.old, c.new] for c in row.changes}
        audit.record(actor, "import.change_confirmed", profile, line=row.line, **changed)
