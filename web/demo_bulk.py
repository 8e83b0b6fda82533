"""Demo data at any size: unique names without limit, rows written by bulk inserts."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from itertools import count

from sqlalchemy import func, select

from web import bulk_rows
from web.extensions import db


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
    bulk_rows.insert_all(model, rows)
    new_rows = select(table.c[key], table.c.id).where(table.c.id > newest)
    return {row_key: row_id for row_key, row_id in db.session.execute(new_rows)}
