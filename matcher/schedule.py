"""Weekly availability: parsing, formatting and overlap as array operations."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from itertools import chain
from operator import attrgetter

import numpy as np

from matcher.profiles import DAYS, TimeSlot

logger = logging.getLogger(__name__)

MINUTES_PER_DAY = 24 * 60
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_START_END = attrgetter("day", "start", "end")
_WINDOW = re.compile(r"^([a-z]+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def parse_availability(text: str) -> tuple[TimeSlot, ...]:
    """Parse `mon 17:00-20:00; sat 09:00-12:00` into merged, sorted weekly slots."""
    slots = [_parse_window(part.strip()) for part in (text or "").split(";") if part.strip()]
    return merge_slots(slots)


def _parse_window(part: str) -> TimeSlot:
    match = _WINDOW.match(part.lower())
    if not match:
        raise ValueError(f"'{part}' is not a time window like 'mon 17:00-20:00'")
    day_name, h1, m1, h2, m2 = match.groups()
    day = _day_index(day_name, part)
    start, end = _minutes(int(h1), int(m1), part), _minutes(int(h2), int(m2), part)
    if start >= end:
        raise ValueError(f"'{part}' ends before it starts (use 24-hour times within one day)")
    return TimeSlot(day, start, end)


def _day_index(name: str, part: str) -> int:
    for index, day in enumerate(DAYS):
        if name in (day, _FULL_DAYS[index]):
            return index
    raise ValueError(f"unknown day '{name}' in '{part}' (use mon, tue, ..., sun)")


def _minutes(hour: int, minute: int, part: str) -> int:
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise ValueError(f"invalid time in '{part}' (use 24-hour times from 00:00 to 24:00)")
    return hour * 60 + minute


def merge_slots(slots: Sequence[TimeSlot]) -> tuple[TimeSlot, ...]:
    """Sort slots and merge those that overlap or touch on the same day."""
    merged: list[TimeSlot] = []
    for slot in sorted(slots):
        last = merged[-1] if merged else None
        if last and last.day == slot.day and slot.start <= last.end:
            merged[-1] = TimeSlot(last.day, last.start, max(last.end, slot.end))
        else:
            merged.append(slot)
    return tuple(merged)


def format_availability(slots: Sequence[TimeSlot]) -> str:
    """Format slots back into the `mon 17:00-20:00; sat 09:00-12:00` form."""
    return "; ".join(f"{DAYS[s.day]} {_hhmm(s.start)}-{_hhmm(s.end)}" for s in slots)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def total_minutes(slots: Sequence[TimeSlot]) -> int:
    """Minutes per week covered by (merged) slots."""
    return sum(s.end - s.start for s in slots)


def overlap_slots(a: Sequence[TimeSlot], b: Sequence[TimeSlot]) -> tuple[TimeSlot, ...]:
    """The windows two people share each week (for explanations; one pair at a time)."""
    shared = []
    for x in a:
        for y in b:
            start, end = max(x.start, y.start), min(x.end, y.end)
            if x.day == y.day and start < end:
                shared.append(TimeSlot(x.day, start, end))
    return merge_slots(shared)


def coverage_matrices(
    first: Sequence[Sequence[TimeSlot]], second: Sequence[Sequence[TimeSlot]]
) -> tuple[np.ndarray, np.ndarray]:
    """Encode two groups' weeks over shared elementary segments.

    Returns `(weighted, covered, bounds)`: `weighted @ covered.T` gives the weekly overlap in
    minutes of everyone in `first` with everyone in `second` (exact, float32 integers);
    segment k runs from `bounds[k]` to `bounds[k + 1]` minutes after Monday 00:00.
    """
    flat_first, flat_second = _flat_week_minutes(first), _flat_week_minutes(second)
    bounds = np.unique(
        np.concatenate(
            [flat_first[1], flat_first[2], flat_second[1], flat_second[2]]
            + [np.array([0, 7 * MINUTES_PER_DAY], dtype=np.int64)]
        )
    )
    lengths = np.diff(bounds).astype(np.float32)
    weighted = _coverage(len(first), flat_first, bounds) * lengths
    return weighted, _coverage(len(second), flat_second, bounds), bounds


def _flat_week_minutes(groups: Sequence[Sequence[TimeSlot]]):
    owner = np.repeat(np.arange(len(groups)), list(map(len, groups)))
    fields = chain.from_iterable(map(_DAY_START_END, chain.from_iterable(groups)))
    flat = np.fromiter(fields, dtype=np.int64, count=3 * len(owner)).reshape(-1, 3)
    offset = flat[:, 0] * MINUTES_PER_DAY
    return owner, offset + flat[:, 1], offset + flat[:, 2]


def _coverage(count: int, flat, bounds: np.ndarray) -> np.ndarray:
    # Each window covers a run of whole segments: write those runs' cells directly
    # (about a million cells at 100,000 people) into a zeroed matrix.
    owner, starts, ends = flat
    first, after = np.searchsorted(bounds, starts), np.searchsorted(bounds, ends)
    runs = np.maximum(after - first, 0)
    offset = np.arange(int(runs.sum())) - np.repeat(np.cumsum(runs) - runs, runs)
    covered = np.zeros((count, len(bounds) - 1), dtype=np.float32)
    covered[np.repeat(owner, runs), np.repeat(first, runs) + offset] = 1.0
    return covered
