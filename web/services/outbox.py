"""The transactional outbox: a task is saved with the work that needs it, then sent to the broker.

`save` adds the task as a row in the caller's transaction, so work saved always has its task
saved too. Once that transaction commits, `send_saved` hands the task to the broker and
deletes the row. If the broker cannot be reached (Redis down or hung), the row stays and
`relay` sends it later: the worker runs `relay` every few seconds beside its heartbeat
(web/services/worker_health.py), so queued work goes out by itself once Redis is back;
`flask --app web relay-outbox` does the same by hand.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, text, update

from web.extensions import db
from web.models import OutboxMessage
from web.models.base import utcnow

logger = logging.getLogger(__name__)
# Rows younger than this belong to the request that saved them, which is sending them now.
RELAY_AFTER = timedelta(seconds=10)
# After the broker failed, requests skip it for this long: each would wait for its timeouts.
BROKER_PAUSE_SECONDS = 30
RELAY_BATCH = 100
# Advisory lock keys: rounds use one key (their id), imports two; this one is far from both.
_RELAY_LOCK = -7_300_001
_paused_until: dict[str, float] = {}  # broker URL -> monotonic time
_pause_lock = threading.Lock()


class BrokerUnavailable(Exception):
    """The broker failed a moment ago; tasks stay in the outbox until it is back."""


def save(task_name: str, args: tuple, subject: str = "") -> OutboxMessage:
    """Add the task to the current transaction's outbox; it is sent once that commits."""
    message = OutboxMessage(task_name=task_name, args=list(args), subject=subject)
    db.session.add(message)
    return message


def subject_of(record: db.Model) -> str:
    """How an outbox row names the record its task is about: 'MatchRound:12'."""
    return f"{type(record).__name__}:{record.id}"


def waiting_for(record: db.Model) -> OutboxMessage | None:
    """The oldest task about `record` still waiting for the broker, if any."""
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.subject == subject_of(record))
        .order_by(OutboxMessage.id)
        .limit(1)
    ).first()


def send_saved(messages: list[tuple[int, str, list]]) -> int:
    """Send the just-committed tasks, as (row id, task name, args) the request saved them;
    those the broker refuses stay in the outbox. Returns how many were sent."""
    return _send(messages)


def relay(now=None) -> int:
    """Send the tasks that have waited for the broker; stop at the first refusal. Returns sent."""
    older = (now or utcnow()) - RELAY_AFTER
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.created_at < older)
        .order_by(OutboxMessage.id)
        .limit(RELAY_BATCH)
    )
    with _one_relay_at_a_time() as mine:
        return _send(_load(query), respect_pause=False) if mine else 0


@contextmanager
def _one_relay_at_a_time():
    """On PostgreSQL, a session lock lets one worker relay at a time, so none sends twice."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    with db.engine.connect() as connection:
        mine = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": _RELAY_LOCK})
        try:
            yield mine
        finally:
            if mine:
                connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": _RELAY_LOCK})
            connection.commit()


def _load(query) -> list[tuple[int, str, list]]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            query.with_only_columns(OutboxMessage.id, OutboxMessage.task_name, OutboxMessage.args)
        )
        return [tuple(row) for row in rows]


def _send(rows: list[tuple[int, str, list]], respect_pause: bool = True) -> int:
    """Send each row's task, deleting the row once the broker has it."""
    from web.database import send_task

    sent = 0
    for message_id, task_name, args in rows:
        try:
            if respect_pause and _paused():
                raise BrokerUnavailable("the broker failed moments ago; not tried again yet")
            send_task(task_name, *args)
        except Exception as error:
            _record_failure(message_id, error)
            return sent
        with db.engine.begin() as connection:
            connection.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))
        sent += 1
        logger.info("enqueued %s%r", task_name, tuple(args))
    return sent


def _record_failure(message_id: int, error: Exception) -> None:
    if not isinstance(error, BrokerUnavailable):
        logger.warning("broker unavailable, task %s kept in the outbox: %s", message_id, error)
        _pause_broker()
    with db.engine.begin() as connection:
        connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(
                attempts=OutboxMessage.attempts + 1,
                last_error=str(error)[:300],
                last_attempt_at=utcnow(),
            )
        )


def send_unsaved(task_name: str, *args) -> None:
    """Send a task that is simply asked again if lost; skip the broker while it is paused."""
    from web.database import send_task

    if current_app.extensions["celery"].conf.task_always_eager:
        send_task(task_name, *args)  # in-process: there is no broker to pause
        return
    if _paused():
        raise BrokerUnavailable("the broker failed moments ago; not tried again yet")
    try:
        send_task(task_name, *args)
    except Exception:
        _pause_broker()
        raise


def _pause_broker() -> None:
    with _pause_lock:
        _paused_until[_broker()] = time.monotonic() + BROKER_PAUSE_SECONDS


def _paused() -> bool:
    return time.monotonic() < _paused_until.get(_broker(), 0.0)


def _broker() -> str:
    return str(current_app.extensions["celery"].conf.broker_url)
