"""The Pathways app for load benchmarks: each response says how many SQL statements it ran.

Started by `web_load.py` as `gunicorn counted_wsgi:app`; never used in production.
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event

from web.extensions import db
from web.wsgi import app


def _count(*_args) -> None:
    if has_request_context():
        g.statements = g.get("statements", 0) + 1


with app.app_context():
    event.listen(db.engine, "before_cursor_execute", _count)


@app.after_request
def _say_statements(response):
    response.headers["X-Statements"] = str(g.get("statements", 0))
    return response
