"""Dates, months and weekly schedules written in the language of the page or email."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton, get_day_names
from babel.lists import format_list
from flask_babel import format_date, format_decimal, get_locale

from web import catalog
from web.language import SOURCE_LANGUAGE, current_language


def long_date(day: date | None) -> str:
    """'April 28, 2008' / '28 de abril de 2008'."""
    return format_date(day, format="long") if day else ""


def number(value: int | None) -> str:
    """A count with the page language's digit grouping: '17,138' / '17.138'."""
    return format_decimal(value or 0)


def month_year(month: str) -> str:
    """'2026-10' as 'October 2026' / 'octubre de 2026'."""
    year, number = month.split("-")
    return format_skeleton("yMMMM", date(int(year), int(number), 1), locale=_locale())


def availability_in_words(rows: list[list[int]]) -> str:
    """A stored weekly schedule, 'Mon and Tue 12:00–13:00', in the current language."""
    if current_language() == SOURCE_LANGUAGE:
        return catalog.format_availability(rows)
    days = get_day_names("abbreviated", locale=_locale())
    names = [days[number] for number in range(7)]
    return catalog.format_availability(
        rows, day_names=names, joined=lambda words: format_list(words, locale=_locale())
    )


def _locale():
    return get_locale() or SOURCE_LANGUAGE
