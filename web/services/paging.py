"""Lists that can grow are read a page at a time: a count and one page of rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from web.extensions import db

MAX_PAGE_NUMBER = 1_000_000


@dataclass(frozen=True)
class Page:
    """One page of rows and where it sits among all of them."""

    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_next(self) -> bool:
        """True if a page follows this one."""
        return self.number < self.pages


def page_number(raw: str | None) -> int:
    """The 1-based page number asked for in a query string; anything else means page 1."""
    if raw and raw.isdecimal() and len(raw) <= 7:
        return min(max(int(raw), 1), MAX_PAGE_NUMBER)
    return 1


def paginate(
    stmt: Select, number: int, per_page: int = 50, *, rows: bool = False, total: int | None = None
) -> Page:
    """Rows of page `number` (1-based; out-of-range numbers are clamped).

    With `rows`, the page holds result rows (for selects of several columns or entities)
    rather than the first entity of each row. `total` is the number of rows when the caller
    can count them more cheaply than the whole select.
    """
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    last = max((total + per_page - 1) // per_page, 1)
    number = min(max(number, 1), last)
    page_stmt = stmt.limit(per_page).offset((number - 1) * per_page)
    result = db.session.execute(page_stmt) if rows else db.session.scalars(page_stmt)
    return Page(list(result.all()), number, per_page, total)
