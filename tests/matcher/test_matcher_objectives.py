"""Property tests of the stable, top-choice and floor objectives against brute force."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import stated_reference as sref
from hypothesis import given
from hypothesis import strategies as st
from test_matcher_properties import PROPS, _common

from matcher import Apprentice, MatchRules, Mentor, propose_pairs
from matcher.constraints import overlap_block, rule_failures
from matcher.features import encode
from matcher.readiness import check_readiness
from matcher.rulecounts import failure_counts, feasible_counts

OPTIMA = st.sampled_from(["max_matches", "max_score"])


@st.composite
def stated_rounds(draw, objective=OPTIMA):
    """Tiny rounds (every matching can be listed) with random stated preferences."""
    n_m, n_a = draw(st.integers(0, 3)), draw(st.integers(0, 5))
    m_ids, a_ids = [f"m{j}" for j in range(n_m)], [f"a{i}" for i in range(n_a)]
    some_a = st.frozensets(st.sampled_from(a_ids), max_size=2) if a_ids else st.just(frozenset())
    mentors = []
    for j in range(n_m):
        mentor = draw(
            st.builds(
                Mentor,
                id=st.just(m_ids[j]),
                capacity=st.integers(0, 2),
                background_checked=st.booleans(),
                preferred=some_a,
                not_fit=some_a,
                **_common(),
            )
        )
        mentors.append(replace(mentor, not_fit=mentor.not_fit - mentor.preferred))
    ranked = st.permutations(m_ids).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k]))
    apprentices = [
        draw(
            st.builds(
                Apprentice,
                id=st.just(a_ids[i]),
                minor=st.booleans(),
                partner=st.sampled_from(["P", "Q", ""]),
                ranked_mentors=ranked.map(tuple),
                **_common(),
            )
        )
        for i in range(n_a)
    ]
    rules = MatchRules(
        objective=draw(objective),
        min_score=draw(st.sampled_from([0.0, 0.0, 0.3])),
        not_fit=draw(st.sampled_from(["soft", "hard"])),
        weights={**MatchRules().weights, "stated": draw(st.sampled_from([0.0, 0.1, 0.4]))},
        solver=draw(st.sampled_from(["auto", "dense", "sparse"])),
    )
    return apprentices, mentors, rules


def _assignment(result, apprentices, mentors):
    """The result as the reference's {apprentice id: (mentor, score) or None}."""
    by_id = {m.id: m for m in mentors}
    out = {a.id: None for a in apprentices}
    for p in result.pairs:
        out[p.apprentice_id] = (by_id[p.mentor_id], p.score)
    return out


def _scores_agree(result, apprentices, mentors, rules):
    by_id = {p.id: p for p in [*apprentices, *mentors]}
    for p in result.pairs:
        a, m = by_id[p.apprentice_id], by_id[p.mentor_id]
        assert sref.allowed(a, m, rules)
        assert p.score == pytest.approx(sref.score(a, m, rules), abs=1e-5)


@PROPS
@given(stated_rounds(objective=st.just("stable")))
def test_stable_objective_leaves_no_blocking_pair(case):
    apprentices, mentors, rules = case
    result = propose_pairs(apprentices, mentors, rules)
    _scores_agree(result, apprentices, mentors, rules)
    mine = _assignment(result, apprentices, mentors)
    assert sref.blocking_pairs(mine, apprentices, mentors, rules) == 0
    assert result.report["blocking_pairs"] == 0
    assert result.report["objectives"]["stable"]["blocking_pairs"] == 0
    # Apprentice-proposing: no stable matching is better for any apprentice (strict prefs).
    stable = [
        other
        for other in sref.matchings(apprentices, mentors, rules)
        if sref.blocking_pairs(other, apprentices, mentors, rules) == 0
    ]
    if _strict(apprentices, mentors, rules):
        for other in stable:
            for a in apprentices:
                assert not _prefers(a, other[a.id], mine[a.id])
    optimal = result.report["objectives"]["optimal"]
    price = result.report["stable"]["price"]
    assert price["score_given_up"] == pytest.approx(
        optimal["total_score"] - result.report["total_score"], abs=1e-5
    )


def _prefers(a, first, second) -> bool:
    if first is None:
        return False
    return second is None or sref.better(
        sref.apprentice_key(a, *first), sref.apprentice_key(a, *second)
    )


def _strict(apprentices, mentors, rules) -> bool:
    """No near-ties in anyone's preferences (the apprentice-optimal matching is unique)."""
    opts = sref.options(apprentices, mentors, rules)
    keys = {}
    for a in apprentices:
        a_keys = sorted(sref.apprentice_key(a, m, s) for m, s in opts[a.id])
        if any(not sref.better(y, x) for x, y in zip(a_keys, a_keys[1:], strict=False)):
            return False
        for m, s in opts[a.id]:
            keys.setdefault(m.id, []).append(sref.mentor_key(m, a, s, rules))
    for m_keys in keys.values():
        m_keys.sort()
        if any(not sref.better(y, x) for x, y in zip(m_keys, m_keys[1:], strict=False)):
            return False
    return True


@PROPS
@given(stated_rounds(), st.integers(1, 3))
def test_top_choices_are_guaranteed_wherever_an_assignment_allows(case, k):
    apprentices, mentors, rules = case
    rules = replace(rules, top_choices=k)
    result = propose_pairs(apprentices, mentors, rules)
    _scores_agree(result, apprentices, mentors, rules)
    mine = _assignment(result, apprentices, mentors)

    def key(assignment):
        got = sum(
            1
            for a in apprentices
            if assignment[a.id] is not None and assignment[a.id][0].id in a.ranked_mentors[:k]
        )
        matched, score = sref.total(assignment)
        return (got, matched if rules.objective == "max_matches" else 0, score)

    best = max((key(x) for x in sref.matchings(apprentices, mentors, rules)), default=(0, 0, 0))
    ours = key(mine)
    assert ours[:2] == best[:2]
    assert ours[2] == pytest.approx(best[2], abs=1e-4)
    missed = {x["apprentice_id"] for x in result.report["top_choices"]["not_met"]}
    assert missed == {
        a.id
        for a in apprentices
        if a.ranked_mentors and (mine[a.id] is None or mine[a.id][0].id not in a.ranked_mentors[:k])
    }


@PROPS
@given(
    stated_rounds(), st.sampled_from([0.3, 0.5, 0.8, 1.0]), st.sampled_from(["partner", "pathways"])
)
def test_floors_are_met_when_feasible_at_the_reported_price(case, floor, column):
    apprentices, mentors, rules = case
    plain = propose_pairs(apprentices, mentors, rules)
    rules = replace(rules, min_match_rate={column: floor})
    result = propose_pairs(apprentices, mentors, rules)
    _scores_agree(result, apprentices, mentors, rules)
    mine = _assignment(result, apprentices, mentors)
    groups = _groups(apprentices, column)

    def meets(assignment, scale=1.0):
        return all(
            sum(assignment[i] is not None for i in ids) >= _needed(floor * scale, len(ids))
            for ids in groups.values()
        )

    def key(assignment):
        matched, score = sref.total(assignment)
        return (matched if rules.objective == "max_matches" else 0, score)

    feasible = [x for x in sref.matchings(apprentices, mentors, rules) if meets(x)]
    report = result.report["floors"]
    assert report["feasible"] == bool(feasible)
    if feasible:
        assert meets(mine)
        best = max(key(x) for x in feasible)
        assert key(mine)[0] == best[0] and key(mine)[1] == pytest.approx(best[1], abs=1e-4)
        assert report["exact"]
    elif column == "partner":  # the closest feasible floors are met instead
        closest = report["closest_feasible_min_match_rate"][column]
        assert meets(mine, closest / floor)
    price = report["price"]
    assert price["matches_given_up"] == len(plain.pairs) - len(result.pairs)
    assert price["score_given_up"] == pytest.approx(
        plain.report["total_score"] - result.report["total_score"], abs=1e-5
    )


def _groups(apprentices, column):
    out = {}
    for a in apprentices:
        value = getattr(a, column)
        for g in (
            sorted(value) or ["(none)"] if isinstance(value, frozenset) else [value or "(none)"]
        ):
            out.setdefault(g, []).append(a.id)
    return out


def _needed(rate, size):
    import math

    return math.ceil(rate * size - 1e-9)


@PROPS
@given(stated_rounds())
def test_readiness_finds_exactly_the_apprentices_without_or_with_few_options(case):
    apprentices, mentors, rules = case
    report = check_readiness(apprentices, mentors, rules)
    options = {a.id: sum(1 for m in mentors if sref.allowed(a, m, rules)) for a in apprentices}
    assert {x["apprentice_id"] for x in report["no_compatible_mentor"]} == {
        a for a, count in options.items() if count == 0
    }
    assert set(report["few_options"]) == {a for a, count in options.items() if 0 < count < 3}


@PROPS
@given(stated_rounds(), st.integers(0, 2**32 - 1))
def test_rule_counts_by_kind_equal_counting_pair_by_pair(case, seed):
    apprentices, mentors, rules = case
    enc = encode(
        sorted(apprentices, key=lambda a: a.id), sorted(mentors, key=lambda m: m.id), rules
    )
    rows = np.random.default_rng(seed).permutation(enc.shape[0])[: max(enc.shape[0] - 1, 0)]
    expected = []
    for i in rows.tolist():
        fails = rule_failures(
            enc, np.array([i]), overlap_block(enc, np.array([i])), rules.min_overlap_minutes
        )
        counts = {name: int(f.sum()) for name, f in fails.items()}
        counts["allowed"] = int((~np.logical_or.reduce(list(fails.values()))).sum())
        expected.append(counts)
    assert failure_counts(enc, rows, rules) == expected
    assert feasible_counts(enc, rules, rows).tolist() == [c["allowed"] for c in expected]
