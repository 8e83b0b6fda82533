"""Many rows written at once: PostgreSQL's COPY, one executemany elsewhere.

Inserting tens of thousands of rows (a round's pairs at city size, demo data) one INSERT
statement per row costs seconds; COPY sends them as one stream in the session's transaction.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import JSON, Column, Table, insert

from web.database import note_write
from web.extensions import db
from web.services import kept_figures

logger = logging.getLogger(__name__)


def insert_all(model: type, rows: list[dict]) -> None:
    """Insert `rows` into `model`'s table in the session's transaction."""
    if not rows:
        return
    table = model.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        _copy_rows(table, rows)
        kept_figures.note_rows_written(db.session, model)  # COPY is not seen by the ORM
    else:
        db.session.execute(insert(table), rows)
    logger.info("inserted %d %s rows", len(rows), table.name)


def _copy_rows(table: Table, rows: list[dict]) -> None:
    columns = [c for c in table.columns if c.key in rows[0] or c.default is not None]
    names = ", ".join(f'"{column.name}"' for column in columns)
    db.session.flush()  # rows the ORM holds go first, as they would with INSERT
    note_write(db.session)
    driver_connection = db.session.connection().connection.driver_connection
    with (
        driver_connection.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([_copy_value(column, row) for column in columns])


def _copy_value(column: Column, row: dict):
    """The row's value for `column`, else the column's Python default; JSON as text."""
    if column.key in row:
        value = row[column.key]
    elif column.default.is_callable:
        value = column.default.arg(None)
    else:
        value = column.default.arg
    return json.dumps(value) if isinstance(column.type, JSON) else value
