"""Imports of people from a CSV file: queued by a coordinator, written by the worker."""

from __future__ import annotations

import logging

from sqlalchemy import text, update

from web.database import enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.models import Cohort, ImportStatus, PeopleImport, User
from web.models.base import utcnow
from web.services import intake, intake_writes

logger = logging.getLogger(__name__)

IMPORT_TASK = "workers.tasks.run_people_import"
# Advisory locks of imports use the two-key form, a key space apart from the rounds' one key.
_LOCK_CLASS = 2
_PROBLEMS_SHOWN = 10


class ImportNoLongerValid(DomainError):
    """The database changed since the preview, and the file no longer passes the checks."""


def queue_import(
    kind: str,
    content: str,
    cohort: Cohort | None,
    user: User,
    confirmed: dict[str, list[str]] | None = None,
) -> PeopleImport:
    """Record a confirmed file as a queued import; the worker runs it once this commits.

    `confirmed` names, by email, the guarded changes the coordinator ticked in the preview.
    """
    people_import = PeopleImport(
        kind=kind, cohort=cohort, content=content, started_by=user, confirmed_changes=confirmed
    )
    db.session.add(people_import)
    db.session.flush()
    enqueue_after_commit(IMPORT_TASK, people_import.id, about=people_import)
    return people_import


def run_import(import_id: int) -> intake_writes.Written | None:
    """Check the file again and write its people, once, however often it is called.

    Returns what was written, or None when there was nothing to run (already finished).
    """
    _lock_import(import_id)
    people_import = db.session.get(PeopleImport, import_id)
    if people_import is None:
        logger.warning("import %s does not exist; nothing to run", import_id)
        return None
    if people_import.finished:
        logger.info("import %s already %s; not running it again", import_id, people_import.status)
        return None
    _set_progress(import_id, 0.05, "Checking the file again", status=ImportStatus.RUNNING)
    preview = intake.preview_import(
        people_import.kind, people_import.content or "", people_import.cohort
    )
    if not preview.clean:
        raise ImportNoLongerValid(_problems_message(preview))

    def progress(fraction: float, message: str) -> None:
        _set_progress(import_id, 0.1 + 0.85 * fraction, message)

    confirmed = people_import.confirmed_changes or {}
    written = intake_writes.apply_import(preview, people_import.started_by, progress, confirmed)
    _finish(people_import, len(preview.rows), written)
    db.session.flush()
    return written


def mark_failed(import_id: int, message: str) -> None:
    """Record in its own transaction that an import failed; the caller rolled its writes back."""
    _set_progress(import_id, 1.0, "Failed", status=ImportStatus.FAILED, error=message)


def _lock_import(import_id: int) -> None:
    """Serialize runs of the same import on PostgreSQL, so two deliveries write it once."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:kind, :key)"),
            {"kind": _LOCK_CLASS, "key": import_id},
        )


def _set_progress(import_id: int, fraction: float, message: str, **values) -> None:
    """Write progress through its own connection so the status page sees it at once."""
    values |= {"progress": round(fraction, 3), "progress_message": message[:200]}
    if values.get("status") == ImportStatus.RUNNING:
        values["started_at"] = utcnow()
    if values.get("status") == ImportStatus.FAILED:
        # The file is not kept once the import is over: a failed import is uploaded again.
        values |= {"finished_at": utcnow(), "content": None}
    with db.engine.begin() as connection:
        connection.execute(
            update(PeopleImport).where(PeopleImport.id == import_id).values(**values)
        )


def _finish(people_import: PeopleImport, rows: int, written: intake_writes.Written) -> None:
    """Mark the import done in the same transaction as the people it wrote."""
    people_import.status = ImportStatus.SUCCEEDED
    people_import.rows = rows
    people_import.created_count = written.created
    people_import.updated_count = written.updated
    people_import.created_user_ids = written.new_user_ids
    people_import.unconfirmed_rows = written.left_unchanged
    people_import.progress, people_import.progress_message = 1.0, "Done"
    people_import.error = None
    people_import.finished_at = utcnow()
    # The people are now profiles; keeping a second copy of their details serves nobody.
    people_import.content = None


def _problems_message(preview: intake.ImportPreview) -> str:
    """Say why a file that passed its preview fails now, by line, for the status page."""
    shown = "; ".join(str(problem) for problem in preview.problems[:_PROBLEMS_SHOWN])
    more = len(preview.problems) - _PROBLEMS_SHOWN
    if more > 0:
        shown += f"; and {more} more"
    return (
        "The records changed since the preview, and the file no longer passes the checks, "
        f"so nothing was imported: {shown}. Correct the file and upload it again."
    )
