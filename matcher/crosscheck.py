"""Checks across the two files: stated preferences must name people of the other file."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from matcher.csvio import CsvProblem
from matcher.profiles import Apprentice, Mentor

logger = logging.getLogger(__name__)


def unknown_stated_ids(
    apprentices: Sequence[tuple[int, Apprentice]], mentors: Sequence[tuple[int, Mentor]]
) -> tuple[list[CsvProblem], list[CsvProblem]]:
    """Problems (apprentice file, mentor file) for ids that name nobody in the other file."""
    apprentice_ids = {a.id for _, a in apprentices}
    mentor_ids = {m.id for _, m in mentors}
    in_apprentices = [
        CsvProblem(line, "ranked_mentors", f"unknown mentor id {x!r}")
        for line, a in apprentices
        for x in a.ranked_mentors
        if x not in mentor_ids
    ]
    in_mentors = [
        CsvProblem(line, column, f"unknown apprentice id {x!r}")
        for line, m in mentors
        for column, ids in (("preferred", m.preferred), ("not_fit", m.not_fit))
        for x in sorted(ids)
        if x not in apprentice_ids
    ]
    return in_apprentices, in_mentors
