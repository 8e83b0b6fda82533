"""Transactions at the edge: one commit per request or task, work queued only after it."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from web.extensions import db

logger = logging.getLogger(__name__)
_PENDING_TASKS = "pathways.pending_tasks"
_PENDING_OUTBOX = "pathways.pending_outbox"
_WROTE = "pathways.wrote"


def end_reads_with_commit(app) -> None:
    """End each request whose transaction only read with COMMIT rather than ROLLBACK.

    Both end a transaction that wrote nothing the same way, but psycopg forgets its prepared
    statements at every ROLLBACK, so PostgreSQL would plan every statement of every page
    afresh. A transaction that wrote anything, or a request that failed, still rolls back
    (Flask-SQLAlchemy's session removal), whatever was not committed.
    """

    @app.teardown_request
    def _end_read(error: BaseException | None) -> None:
        if error is not None or not db.session.registry.has():
            return  # failed, or never opened a session (a static file)
        session = db.session()
        if not session.in_transaction() or wrote_in_transaction(session):
            return
        if session.new or session.dirty or session.deleted:
            return
        session.commit()


def note_write(session: Session) -> None:
    """Record that the session's transaction wrote, with SQL the session does not see."""
    session.info[_WROTE] = True


def wrote_in_transaction(session: Session) -> bool:
    """True once the session's transaction has flushed, or run anything but a select."""
    return bool(session.info.get(_WROTE))


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, flush_context) -> None:
    note_write(session)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if not state.is_select:
        note_write(state.session)


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def commits(view: Callable) -> Callable:
    """Commit the session when `view` returns normally; roll back on any exception."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            response = view(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return response

    return wrapper


def insert_on_conflict(model: type[db.Model]):
    """An INSERT into `model`'s table that can say what a unique index's refusal does.

    ON CONFLICT (do nothing, or update) is spelled per database; both Pathways databases
    have it.
    """
    dialects = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    return dialects[db.engine.dialect.name](model)


def refresh_planner_statistics(*models: type[db.Model]) -> None:
    """Let the database re-read the size and spread of tables a bulk write just changed.

    Without this, PostgreSQL plans the next queries on these tables from statistics taken
    before the write (or never, where autovacuum is off) and may scan and hash whole tables
    where an index reaches a few rows. Runs inside the current transaction, which it sees.
    Without models, every table.
    """
    if not models:
        db.session.execute(text("ANALYZE"))
        return
    dialect = db.session.get_bind().dialect
    if dialect.name == "postgresql":
        # A sample of 3,000 rows rather than 30,000: the planner needs the tables' size and
        # their few common values (a round's id), and the round waits for this.
        db.session.execute(text("SET LOCAL default_statistics_target = 10"))
    quote = dialect.identifier_preparer.quote
    for model in models:
        db.session.execute(text(f"ANALYZE {quote(model.__tablename__)}"))


def enqueue_after_commit(task_name: str, *args, about: db.Model | None = None) -> None:
    """Send task `task_name` once the current transaction commits, and never if it rolls back.

    With a broker, the task is saved in the outbox in this same transaction, so it is not
    lost if the broker cannot be reached when the transaction commits: it is sent then by the
    relay (web/services/outbox.py). `about` names the record the task works on, so its page
    can tell that the task waits for the broker.
    """
    if _eager():
        db.session.info.setdefault(_PENDING_TASKS, []).append((task_name, args))
        return
    from web.services import outbox

    message = outbox.save(task_name, args, outbox.subject_of(about) if about else "")
    db.session.flush()
    db.session.info.setdefault(_PENDING_OUTBOX, []).append((message.id, task_name, list(args)))


def _eager() -> bool:
    """True when tasks run in-process (the embedded default): no broker can be down."""
    return bool(current_app.extensions["celery"].conf.task_always_eager)


def send_task(task_name: str, *args):
    """Send a task to the worker now, or run it in-process when no broker is configured."""
    celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:
        celery.loader.import_default_modules()
        return celery.tasks[task_name].apply(args=args)
    # One attempt, and no result to wait for (nothing reads them): a task the broker does
    # not take stays in the outbox, whose relay tries again, so a request never waits for
    # retries, or for a hung result store, while Redis is down or hung.
    return celery.send_task(task_name, args=args, retry=False, ignore_result=True)


@event.listens_for(Session, "after_commit")
def _send_pending_tasks(session: Session) -> None:
    if saved := session.info.pop(_PENDING_OUTBOX, []):
        from web.services import outbox

        outbox.send_saved(saved)
    for task_name, args in session.info.pop(_PENDING_TASKS, []):
        logger.info("run %s%r in-process", task_name, args)
        try:
            send_task(task_name, *args)
        except Exception:
            logger.exception("task %s%r failed in-process", task_name, args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending_tasks(session: Session, previous_transaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint rolled back; the transaction's tasks still stand
    session.info.pop(_PENDING_TASKS, None)
    session.info.pop(_PENDING_OUTBOX, None)
