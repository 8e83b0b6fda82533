"""The city's IT job titles by department, the list a city job outcome is checked against.

The list is data (web/outcomes/data/city_titles.csv), drawn from the city's IT job postings
and job class specifications; a title or department missing from it is added there.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

TITLES_FILE = Path(__file__).resolve().parent.parent / "outcomes" / "data" / "city_titles.csv"


@cache
def city_positions() -> tuple[tuple[str, str], ...]:
    """Every (department, job title) the city uses, in the file's order."""
    with TITLES_FILE.open(newline="", encoding="utf-8") as handle:
        return tuple((row["department"], row["job_title"]) for row in csv.DictReader(handle))


def departments() -> list[str]:
    """The departments of the list, each once, in the file's order."""
    return list(dict.fromkeys(department for department, _ in city_positions()))


def titles_of(department: str) -> list[str]:
    """The job titles `department` uses."""
    return [title for known, title in city_positions() if known == department]


def is_city_position(department: str, job_title: str) -> bool:
    """True if `department` uses the title `job_title`, as the list spells them."""
    return (department, job_title) in city_positions()


def canonical_position(department: str, job_title: str) -> tuple[str, str] | None:
    """The listed (department, title) matching the words given in any case, or None."""
    wanted = (" ".join(department.split()).casefold(), " ".join(job_title.split()).casefold())
    for known in city_positions():
        if (known[0].casefold(), known[1].casefold()) == wanted:
            return known
    return None


def position_value(department: str, job_title: str) -> str:
    """The one value a form's position choice carries for a department and a title."""
    return f"{department}|{job_title}"


def split_position(value: str) -> tuple[str, str]:
    """A position value back as (department, title); ("", "") for none."""
    department, _, title = (value or "").partition("|")
    return department, title
