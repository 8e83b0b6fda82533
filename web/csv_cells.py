"""CSV cells safe to open in a spreadsheet: no cell is run as a formula (CSV injection)."""

from __future__ import annotations

# A cell starting with one of these is run as a formula by spreadsheet programs; tab and
# carriage return count too, as some programs skip them before looking for the '='.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text a spreadsheet would run as a formula, prefixed with a quote; other values as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: list[object]) -> list[object]:
    """Every cell of a CSV row neutralised."""
    return [neutralise(value) for value in values]
