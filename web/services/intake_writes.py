"""Writing a clean import preview: new accounts and profiles, updates, and the audit trail."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeSkill,
    Cohort,
    MentorProfile,
    MentorSkill,
    Role,
    User,
)
from web.services import audit, background_checks, guardians, import_changes
from web.services.intake import ImportPreview
from web.services.intake_checks import ImportRow, Known
from web.services.intake_files import APPRENTICES, MENTORS

PROGRESS_EVERY = 200  # rows between two progress reports while an import is written
Progress = Callable[[float, str], None]
_ROLES = {APPRENTICES: Role.APPRENTICE, MENTORS: Role.MENTOR}


@dataclass(frozen=True)
class Written:
    """What writing an import did: people created and updated, the new accounts' ids, and
    the rows left unchanged because their changes were not confirmed."""

    created: int
    updated: int
    new_user_ids: list[int]
    left_unchanged: list[dict] = field(default_factory=list)


def apply_import(
    preview: ImportPreview,
    actor: User,
    progress: Progress | None = None,
    confirmed: dict[str, list[str]] | None = None,
) -> Written:
    """Write a clean preview's people in the current transaction; say what it created.

    `progress(fraction, message)` hears how far the rows are prepared; nothing reaches the
    database before the one flush at the end, so progress written on another connection
    never waits for this transaction's locks. Rows changing someone in a pair are written
    only if `confirmed` (email -> fields ticked) covers their changes.
    """
    if not preview.clean:
        raise DomainError("The file still has problems; nothing was imported.")
    left = import_changes.leave_unconfirmed(preview, confirmed or {})
    known = Known.load(preview.kind, [row.email for row in preview.rows], False)
    cohort = db.session.get(Cohort, preview.cohort_id) if preview.cohort_id else None
    write = _write_apprentice if preview.kind == APPRENTICES else _write_mentor
    total = len(preview.rows)
    new_users, minors_written = [], []
    with db.session.no_autoflush:
        for done, row in enumerate(preview.rows):
            if progress and done % PROGRESS_EVERY == 0:
                progress(done / total, f"Preparing {preview.kind}: {done} of {total}")
            user = known.users.get(row.email)
            if user is None:
                user = _new_user(row, _ROLES[preview.kind])
                new_users.append(user)
            profile = write(user, row.values, cohort)
            if row.values.get("minor"):
                minors_written.append(profile)
    if progress:
        progress(1.0, f"Saving {total} {preview.kind}")
    db.session.flush()
    for profile in minors_written:
        guardians.request_if_needed(profile, actor)
    counts = {"created": preview.creates, "updated": preview.updates}
    if left:
        counts["left_unchanged"] = len(left)
    audit.record(actor, f"{preview.kind}.imported", cohort or actor, kind=preview.kind, **counts)
    import_changes.record_confirmed(preview, known.users, actor)
    new_ids = sorted(user.id for user in new_users)
    return Written(preview.creates, preview.updates, new_ids, left)


def _new_user(row: ImportRow, role: Role) -> User:
    """An account with an unusable password: the person is invited to set one later."""
    user = User(email=row.email, name=row.values["name"], role=role)
    user.password_hash = "!" + secrets.token_hex(16)  # no hash format matches: cannot sign in
    db.session.add(user)
    return user


def _shared_fields(profile, values: dict) -> None:
    for name in ("pathways", "availability", "mode", "region", "languages"):
        setattr(profile, name, values[name])


def _write_apprentice(user: User, values: dict, cohort: Cohort) -> ApprenticeProfile:
    user.name = values["name"]
    profile = user.apprentice_profile or ApprenticeProfile(user=user)
    _shared_fields(profile, values)
    profile.partner, profile.cohort = values["partner"], cohort
    profile.date_of_birth, profile.is_minor = values["date_of_birth"], values["minor"]
    guardians.guardian_changed(profile, *values["guardian"])
    kept = set(profile.exclude_mentor_ids or [])
    profile.exclude_mentor_ids = sorted(kept | set(values["exclude"]))
    profile.skills = [ApprenticeSkill(skill_id=s, level=n) for s, n in values["skills"].items()]
    db.session.add(profile)
    return profile


def _write_mentor(user: User, values: dict, cohort: Cohort | None) -> MentorProfile:
    user.name = values["name"]
    profile = user.mentor_profile or MentorProfile(user=user)
    _shared_fields(profile, values)
    profile.department, profile.job_title = values["department"], values["title"]
    profile.capacity = values["capacity"]
    background_checks.set_from_program_records(profile, values["background_checked"])
    profile.skills = [MentorSkill(skill_id=s, level=n) for s, n in values["skills"].items()]
    db.session.add(profile)
    return profile
