"""The Pathways app for load benchmarks: each response says how many SQL statements it ran.

Started by `web_load.py` as `gunicorn counted_wsgi:app`; never used in production. Each
worker also adds up the CPU time its password hashes took, in a file of its own in
$BENCH_HASH_CPU_DIR, so the benchmark can say what the rest of a registration costs under load.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import g, has_request_context
from sqlalchemy import event

from web.auth import passwords
from web.extensions import db
from web.wsgi import app


class _TimedHasher:
    """The app's password hasher, adding up the CPU time of each hash in this process."""

    def __init__(self, hasher) -> None:
        self.hasher, self.seconds = hasher, 0.0

    def hash(self, password: str) -> str:
        started = time.thread_time()
        try:
            return self.hasher.hash(password)
        finally:
            self.seconds += time.thread_time() - started
            self._write()

    def _write(self) -> None:
        folder = Path(os.environ["BENCH_HASH_CPU_DIR"])
        written = folder / f".{os.getpid()}.tmp"
        written.write_text(repr(self.seconds))
        written.replace(folder / f"{os.getpid()}.seconds")

    def __getattr__(self, name):
        return getattr(self.hasher, name)


passwords.HASHER = _TimedHasher(passwords.HASHER)


def _count(*_args) -> None:
    if has_request_context():
        g.statements = g.get("statements", 0) + 1


with app.app_context():
    event.listen(db.engine, "before_cursor_execute", _count)


@app.after_request
def _say_statements(response):
    response.headers["X-Statements"] = str(g.get("statements", 0))
    return response
