"""Emptying a PostgreSQL test database between tests, even while a worker still touches it."""

from __future__ import annotations

import time

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from web.extensions import db

ATTEMPTS = 5


def empty_tables(keep: tuple[str, ...] = ("skills",)) -> None:
    """TRUNCATE every table but `keep`, retrying when a live worker's write deadlocks with it.

    A Celery worker of the test writes heartbeats and relays the outbox between tests; its
    row locks can meet TRUNCATE's table locks, and PostgreSQL then aborts one side.
    """
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in keep]
    statement = text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with db.engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                connection.execute(statement)
            return
        except OperationalError:
            if attempt == ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)
