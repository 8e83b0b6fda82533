"""Figures counted over a whole cohort, kept until the program changes.

Counting a city's cohort (apprentices by status and partner, mentors' places, a partner's
funnel) reads every one of its rows: too much for each view of a page. Such figures are kept
with the program's version, a counter that every commit changing people, pairs or rounds
raises in its own transaction (`watch_program_changes`). A page reads the version and the
kept figures in one statement and counts again only when they differ, so it never shows
figures older than the last committed change, whichever process made it.

The program's set-up (partners, cohorts, skills: what the registration forms offer) has a
version of its own, `SETUP`, which registrations leave alone, so choices kept with it stay
kept while people sign up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from web.database import insert_on_conflict, wrote_in_transaction
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeSkill,
    CheckIn,
    Cohort,
    KeptFigures,
    MatchRound,
    MentorMark,
    MentorProfile,
    MentorRanking,
    Mentorship,
    MentorSkill,
    PartnerInstitution,
    ProgramVersion,
    ProposedMatch,
    Skill,
    UnmatchedApprentice,
    User,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Version:
    """A counter (a row of program_versions) raised by every commit changing `models`."""

    row: int
    models: tuple[type, ...]

    def changed_key(self) -> str:
        """Where a session notes that its transaction changed one of `models`."""
        return f"changed_version_{self.row}"

    def seen_key(self) -> str:
        """Where a session notes the value its transaction read."""
        return f"seen_version_{self.row}"


# What kept figures are counted from: a change to any of these raises the version.
PROGRAM = Version(
    1,
    (
        ApprenticeProfile,
        ApprenticeSkill,
        MentorProfile,
        MentorSkill,
        User,
        PartnerInstitution,
        Mentorship,
        MatchRound,
        ProposedMatch,
        UnmatchedApprentice,
        CheckIn,
        MentorRanking,
        MentorMark,
    ),
)
SETUP = Version(2, (PartnerInstitution, Cohort, Skill))
VERSIONS = (PROGRAM, SETUP)
_TABLES = {version: frozenset(model.__table__ for model in version.models) for version in VERSIONS}


def kept(key: str, count: Callable[[], dict], version: Version = PROGRAM) -> dict:
    """The figures under `key` as of `version` now: kept ones, else `count()`, then kept.

    `count` returns JSON data (str keys, lists), so kept and fresh figures read the same.
    """
    now = version_now(version)
    counted_at, figures = db.session.execute(select(now, _kept_at(key, now))).one()
    if wrote_in_transaction(db.session):
        # Counted with this transaction's own writes, not committed yet: kept by nobody.
        return count()
    db.session.info[version.seen_key()] = counted_at
    if figures is not None:
        return figures
    figures = count()
    _keep(key, counted_at, figures)
    return figures


def version_seen(version: Version = PROGRAM) -> int | None:
    """`version` as this transaction reads it: read once, then remembered until it ends.

    None when the transaction has written: what it reads then is not committed, so nothing
    read in it may be kept under a version. Whatever the transaction reads after the version
    is at least as new as it, so HTML kept under it is never older than the version says.
    """
    if wrote_in_transaction(db.session):
        return None
    seen = db.session.info.get(version.seen_key())
    if seen is None:
        seen = db.session.scalar(select(version_now(version)))
        db.session.info[version.seen_key()] = seen
    return seen


def note_rows_written(session: Session, model: type) -> None:
    """Say that `session`'s transaction wrote rows of `model`.

    For writes the ORM does not see, such as PostgreSQL's COPY.
    """
    for version in VERSIONS:
        if issubclass(model, version.models):
            session.info[version.changed_key()] = True


def watch_program_changes() -> None:
    """Raise the version in every transaction that changes people, pairs or rounds."""
    if not event.contains(Session, "before_commit", _raise_version):
        event.listen(Session, "before_flush", _note_changed_objects)
        event.listen(Session, "do_orm_execute", _note_changed_rows)
        event.listen(Session, "before_commit", _raise_version)
        event.listen(Session, "after_commit", _forget_changes)
        event.listen(Session, "after_rollback", _forget_changes)
        event.listen(Session, "after_transaction_end", _forget_versions_seen)


def version_now(version: Version = PROGRAM):
    """SQL: `version`'s value now (0 before any change)."""
    return func.coalesce(
        select(ProgramVersion.version).where(ProgramVersion.id == version.row).scalar_subquery(),
        0,
    )


def _kept_at(key: str, version_now):
    return (
        select(KeptFigures.figures)
        .where(KeptFigures.key == key, KeptFigures.version == version_now)
        .scalar_subquery()
    )


def _keep(key: str, version: int, figures: dict) -> None:
    """Keep `figures` in their own short transaction; figures of a later version win."""
    insert = insert_on_conflict(KeptFigures).values(key=key, version=version, figures=figures)
    insert = insert.on_conflict_do_update(
        index_elements=["key"],
        set_={"version": insert.excluded.version, "figures": insert.excluded.figures},
        where=KeptFigures.version <= insert.excluded.version,
    )
    with db.engine.begin() as connection:
        connection.execute(insert)


def _note_changed_objects(session: Session, flush_context, instances) -> None:
    for version in VERSIONS:
        if _changes_any_of(session, version.models):
            session.info[version.changed_key()] = True


def _changes_any_of(session: Session, models: tuple[type, ...]) -> bool:
    return any(isinstance(o, models) for o in (*session.new, *session.deleted)) or any(
        isinstance(o, models) and session.is_modified(o) for o in session.dirty
    )


def _note_changed_rows(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    for version in VERSIONS:
        if table in _TABLES[version]:
            state.session.info[version.changed_key()] = True


def _raise_version(session: Session) -> None:
    """Flush, then raise each changed version last, so its row lock is held only until the
    commit."""
    session.flush()
    for version in VERSIONS:
        if not session.info.pop(version.changed_key(), False):
            continue
        insert = insert_on_conflict(ProgramVersion).values(id=version.row, version=1)
        session.execute(
            insert.on_conflict_do_update(
                index_elements=["id"], set_={"version": ProgramVersion.version + 1}
            )
        )


def _forget_changes(session: Session) -> None:
    for version in VERSIONS:
        session.info.pop(version.changed_key(), None)


def _forget_versions_seen(session: Session, transaction) -> None:
    """However a transaction ends (commit, rollback, close), the next one reads anew."""
    for version in VERSIONS:
        session.info.pop(version.seen_key(), None)
