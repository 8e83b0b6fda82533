"""Availability parsing, formatting and array overlap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.profiles import TimeSlot
from matcher.schedule import (
    coverage_matrices,
    format_availability,
    overlap_slots,
    parse_availability,
    total_minutes,
)


def test_parse_and_format_round_trip():
    slots = parse_availability("Sat 09:00-12:00;  monday 17:00-20:00; mon 19:00-21:00")
    assert slots == (TimeSlot(0, 1020, 1260), TimeSlot(5, 540, 720))
    assert format_availability(slots) == "mon 17:00-21:00; sat 09:00-12:00"
    assert parse_availability("") == ()


@pytest.mark.parametrize(
    "text, words",
    [
        ("xyz 10:00-11:00", "unknown day"),
        ("mon 10:00", "time window"),
        ("mon 11:00-10:00", "ends before"),
        ("mon 10:75-11:00", "invalid time"),
        ("tue 23:00-25:00", "invalid time"),
    ],
)
def test_parse_errors_are_clear(text, words):
    with pytest.raises(ValueError, match=words):
        parse_availability(text)


slot = st.builds(
    lambda d, s, length: TimeSlot(d, s, min(s + length, 1440)),
    st.integers(0, 6),
    st.integers(0, 1400),
    st.integers(1, 300),
)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.lists(slot, max_size=3), min_size=1, max_size=4),
    st.lists(st.lists(slot, max_size=3), min_size=1, max_size=4),
)
def test_matrix_overlap_equals_pairwise_overlap(first, second):
    first = [parse_availability(format_availability(sorted(w))) for w in first]
    second = [parse_availability(format_availability(sorted(w))) for w in second]
    weighted, covered, _ = coverage_matrices(first, second)
    got = weighted @ covered.T
    want = np.array([[total_minutes(overlap_slots(a, b)) for b in second] for a in first])
    assert np.array_equal(got, want)
