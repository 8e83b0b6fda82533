"""Figures counted over a whole cohort, kept until the program changes.

Counting a city's cohort (apprentices by status and partner, mentors' places, a partner's
funnel) reads every one of its rows: too much for each view of a page. Such figures are kept
with the program's version, a counter that every commit changing people, pairs or rounds
raises in its own transaction (`watch_program_changes`). A page reads the version and the
kept figures in one statement and counts again only when they differ, so it never shows
figures older than the last committed change, whichever process made it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from web.database import insert_on_conflict
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeSkill,
    CheckIn,
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
    UnmatchedApprentice,
    User,
)

logger = logging.getLogger(__name__)

# What kept figures are counted from: a change to any of these raises the version.
COUNTED_FROM = (
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
)
_COUNTED_TABLES = frozenset(model.__table__ for model in COUNTED_FROM)
_CHANGED = "program_changed"
_WROTE = "wrote_in_transaction"
_ROW = 1


def kept(key: str, count: Callable[[], dict]) -> dict:
    """The figures under `key` as of the current version: kept ones, else `count()`, then kept.

    `count` returns JSON data (str keys, lists), so kept and fresh figures read the same.
    """
    version, figures = db.session.execute(select(version_now(), _kept_at(key, version_now()))).one()
    if db.session.info.get(_WROTE):
        # Counted with this transaction's own writes, not committed yet: kept by nobody.
        return count()
    if figures is not None:
        return figures
    figures = count()
    _keep(key, version, figures)
    return figures


def note_program_changed(session: Session) -> None:
    """Say that `session`'s transaction changed what figures are counted from.

    For writes the ORM does not see, such as PostgreSQL's COPY.
    """
    session.info[_CHANGED] = True


def watch_program_changes() -> None:
    """Raise the version in every transaction that changes people, pairs or rounds."""
    if not event.contains(Session, "before_commit", _raise_version):
        event.listen(Session, "before_flush", _note_changed_objects)
        event.listen(Session, "do_orm_execute", _note_changed_rows)
        event.listen(Session, "before_commit", _raise_version)
        event.listen(Session, "after_commit", _forget_changes)
        event.listen(Session, "after_rollback", _forget_changes)


def version_now():
    """SQL: the program's version now (0 before any change)."""
    return func.coalesce(
        select(ProgramVersion.version).where(ProgramVersion.id == _ROW).scalar_subquery(), 0
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
    session.info[_WROTE] = True
    if any(isinstance(o, COUNTED_FROM) for o in (*session.new, *session.deleted)) or any(
        isinstance(o, COUNTED_FROM) and session.is_modified(o) for o in session.dirty
    ):
        note_program_changed(session)


def _note_changed_rows(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    state.session.info[_WROTE] = True
    if getattr(state.statement, "table", None) in _COUNTED_TABLES:
        note_program_changed(state.session)


def _raise_version(session: Session) -> None:
    """Flush, then raise the version last, so its row lock is held only until the commit."""
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    insert = insert_on_conflict(ProgramVersion).values(id=_ROW, version=1)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["id"], set_={"version": ProgramVersion.version + 1}
        )
    )


def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_WROTE, None)
