"""Demo data at any size: unique names without limit, rows written by bulk inserts."""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Sequence
from itertools import count

from sqlalchemy import JSON, Column, Table, func, insert, select

from web.extensions import db
from web.services import kept_figures

logger = logging.getLogger(__name__)


def unique_names(
    rng: random.Random, first_names: Sequence[str], last_names: Sequence[str], wanted: int
) -> list[str]:
    """`wanted` different names: every first × last name in a seeded order, then with initials.

    The first pass is the plain "First Last" pool shuffled by `rng`; past its size the same
    order repeats with a middle initial ("First A. Last", …, "First Z. Last", "First AA. Last"),
    so no name repeats at any size.
    """
    pool = [(first, last) for first in first_names for last in last_names]
    rng.shuffle(pool)
    names = [f"{first} {last}" for first, last in pool[:wanted]]
    for round_number in count(1):
        if len(names) >= wanted:
            break
        middle = _initials(round_number)
        missing = wanted - len(names)
        names.extend(f"{first} {middle}. {last}" for first, last in pool[:missing])
    return names


def _initials(number: int) -> str:
    """1 → A, 26 → Z, 27 → AA: a bijective base-26 spelling, so each number has its own."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def email_local_part(name: str) -> str:
    """The name's words in lower case joined by dots: Ana B. Lopez → ana.b.lopez."""
    return ".".join(re.findall(r"[a-z0-9]+", name.lower()))


def insert_rows(model: type, rows: list[dict], key: str) -> dict:
    """Insert `rows` into `model`'s table; return the new ids by each row's unique `key`."""
    table = model.__table__
    newest = db.session.scalar(select(func.max(table.c.id))) or 0
    insert_link_rows(model, rows)
    new_rows = select(table.c[key], table.c.id).where(table.c.id > newest)
    return {row_key: row_id for row_key, row_id in db.session.execute(new_rows)}


def insert_link_rows(model: type, rows: list[dict]) -> None:
    """Insert `rows` into `model`'s table: COPY on PostgreSQL, one executemany elsewhere."""
    if not rows:
        return
    table = model.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        _copy_rows(table, rows)
        kept_figures.note_program_changed(db.session)  # COPY is not seen by the ORM
    else:
        db.session.execute(insert(table), rows)
    logger.info("inserted %d %s rows", len(rows), table.name)


def _copy_rows(table: Table, rows: list[dict]) -> None:
    """PostgreSQL's COPY, in the session's transaction: far faster than INSERT statements."""
    columns = [c for c in table.columns if c.key in rows[0] or c.default is not None]
    names = ", ".join(f'"{column.name}"' for column in columns)
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
