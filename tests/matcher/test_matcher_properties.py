"""Property tests: the matcher against an independent ILP on small random rounds."""

from __future__ import annotations

import random
from collections import Counter

import matcher_reference as ref
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Apprentice, MatchRules, Mentor, TimeSlot, propose_pairs

WINDOWS = [
    TimeSlot(0, 17 * 60, 19 * 60),
    TimeSlot(0, 18 * 60, 20 * 60),
    TimeSlot(2, 12 * 60, 13 * 60),
    TimeSlot(5, 9 * 60, 12 * 60),
    TimeSlot(2, 12 * 60 + 30, 14 * 60),
]
SKILLS = ["python", "sql", "gis", "excel"]
PROPS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _week():
    return st.lists(st.sampled_from(WINDOWS), max_size=2, unique=True).map(
        lambda w: tuple(sorted(w))
    )


def _common():
    return dict(
        pathways=st.frozensets(st.sampled_from(["Data", "GIS", "Cyber"]), max_size=2),
        skills=st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3), max_size=3),
        availability=_week(),
        mode=st.sampled_from(["in_person", "remote", "either"]),
        region=st.sampled_from(["", "North", "South"]),
        languages=st.frozensets(st.sampled_from(["english", "spanish"]), min_size=1),
    )


@st.composite
def rounds(draw, objective=None):
    n_m = draw(st.integers(0, 4))
    mentors = [
        draw(
            st.builds(
                Mentor,
                id=st.just(f"m{j}"),
                capacity=st.integers(0, 3),
                background_checked=st.booleans(),
                **_common(),
            )
        )
        for j in range(n_m)
    ]
    m_ids = [m.id for m in mentors]
    n_a = draw(st.integers(0, 7))
    excl = st.frozensets(st.sampled_from(m_ids), max_size=1) if m_ids else st.just(frozenset())
    apprentices = [
        draw(
            st.builds(
                Apprentice,
                id=st.just(f"a{i}"),
                minor=st.booleans(),
                exclude_mentors=excl,
                **_common(),
            )
        )
        for i in range(n_a)
    ]
    pairs = [(a.id, m) for a in apprentices for m in m_ids]
    rejected = draw(st.frozensets(st.sampled_from(pairs), max_size=3)) if pairs else frozenset()
    locked = _locks(draw, apprentices, mentors, rejected)
    rules = MatchRules(
        objective=objective or draw(st.sampled_from(["max_matches", "max_score", "max_min"])),
        min_score=draw(st.sampled_from([0.0, 0.0, 0.3])),
        rejected=rejected,
        locked=locked,
        solver=draw(st.sampled_from(["auto", "dense", "sparse"])),
    )
    return apprentices, mentors, rules


def _locks(draw, apprentices, mentors, rejected):
    room = Counter({m.id: m.capacity for m in mentors})
    locked = set()
    for a in apprentices[: draw(st.integers(0, 2))]:
        free = [m for m in sorted(room) if room[m] > 0 and (a.id, m) not in rejected]
        if free:
            m = draw(st.sampled_from(free))
            locked.add((a.id, m))
            room[m] -= 1
    return frozenset(locked)


def _unlocked(result, rules):
    locked = {a for a, _ in rules.locked}
    return [p for p in result.pairs if p.apprentice_id not in locked]


@PROPS
@given(rounds())
def test_no_hard_rule_is_broken(case):
    apprentices, mentors, rules = case
    result = propose_pairs(apprentices, mentors, rules)
    by_id = {p.id: p for p in [*apprentices, *mentors]}
    for pair in _unlocked(result, rules):
        a, m = by_id[pair.apprentice_id], by_id[pair.mentor_id]
        assert ref.allowed(a, m, rules), pair
        assert pair.score >= rules.min_score - 1e-6
    load = Counter(p.mentor_id for p in result.pairs)
    for m in mentors:
        assert load[m.id] <= m.capacity
    assert len(result.pairs) + len(result.unmatched) == len(apprentices)


@PROPS
@given(rounds())
def test_objective_equals_the_optimum(case):
    apprentices, mentors, rules = case
    result = propose_pairs(apprentices, mentors, rules)
    pairs = _unlocked(result, rules)
    count, total, level = ref.optimum(apprentices, mentors, rules)
    assert sum(p.score for p in pairs) == pytest.approx(total, abs=1e-4)
    if count is not None:
        assert len(pairs) == count
    if level is not None and pairs:
        assert min(p.score for p in pairs) == pytest.approx(level, abs=1e-4)


@PROPS
@given(rounds())
def test_scores_match_the_reference(case):
    apprentices, mentors, rules = case
    by_id = {p.id: p for p in [*apprentices, *mentors]}
    for pair in propose_pairs(apprentices, mentors, rules).pairs:
        a, m = by_id[pair.apprentice_id], by_id[pair.mentor_id]
        assert pair.score == pytest.approx(ref.score(a, m, rules), abs=1e-5)
        assert sum(pair.components.values()) == pytest.approx(pair.score, abs=1e-9)


@PROPS
@given(rounds())
def test_locked_stay_and_rejected_never_return(case):
    apprentices, mentors, rules = case
    got = {(p.apprentice_id, p.mentor_id) for p in propose_pairs(apprentices, mentors, rules).pairs}
    assert rules.locked <= got
    assert not (rules.rejected & got)
    assert all(
        p.locked == ((p.apprentice_id, p.mentor_id) in rules.locked)
        for p in propose_pairs(apprentices, mentors, rules).pairs
    )


@PROPS
@given(rounds(), st.randoms(use_true_random=False))
def test_output_is_deterministic_and_order_independent(case, rnd: random.Random):
    apprentices, mentors, rules = case
    first = propose_pairs(apprentices, mentors, rules)
    shuffled_a, shuffled_m = list(apprentices), list(mentors)
    rnd.shuffle(shuffled_a)
    rnd.shuffle(shuffled_m)
    second = propose_pairs(shuffled_a, shuffled_m, rules)
    assert first.pairs == second.pairs
    assert first.unmatched == second.unmatched
    assert first.report == second.report or _same_but_timings(first.report, second.report)


def _same_but_timings(one, two):
    strip = lambda r: {**r, "solve": {**r["solve"], "seconds": None}}  # noqa: E731
    return strip(one) == strip(two)


@PROPS
@given(rounds(objective="max_matches"))
def test_unmatched_reasons_are_consistent(case):
    apprentices, mentors, rules = case
    result = propose_pairs(apprentices, mentors, rules)
    for lone in result.unmatched:
        a = next(x for x in apprentices if x.id == lone.apprentice_id)
        any_ok = any(ref.allowed(a, m, rules) for m in mentors)
        assert (lone.code == "no_compatible_mentor") == (not any_ok), lone
        if lone.code == "capacity_taken":
            for rival in lone.details["compatible_mentors"]:
                m = next(x for x in mentors if x.id == rival["mentor_id"])
                assert len(rival["taken_by"]) == m.capacity
        assert lone.reason
