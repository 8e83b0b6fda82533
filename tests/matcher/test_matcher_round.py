"""Round-level behaviour: explanations, report, readiness, baselines and the large path."""

from __future__ import annotations

import json
from dataclasses import replace

import matcher_reference as ref
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Apprentice, MatchRules, Mentor, propose_pairs
from matcher.baselines import deferred_acceptance, greedy
from matcher.readiness import check_readiness
from matcher.schedule import parse_availability as week


def _round():
    apprentices = [
        Apprentice(
            "a1",
            partner="CC",
            pathways=frozenset({"Data"}),
            skills={"python": 3, "sql": 2},
            availability=week("mon 17:00-20:00; sat 09:00-12:00"),
            region="North",
        ),
        Apprentice(
            "a2", partner="CC", skills={"gis": 2}, availability=week("mon 18:00-20:00"), minor=True
        ),
        Apprentice("a3", partner="HS", skills={"python": 1}, availability=week("mon 17:00-20:00")),
        Apprentice("a4", partner="HS", availability=week("tue 10:00-11:00")),
    ]
    mentors = [
        Mentor(
            "m1",
            pathways=frozenset({"data"}),
            skills={"python": 3, "sql": 1},
            capacity=1,
            availability=week("mon 17:00-19:00; sat 09:00-10:00"),
            region="North",
        ),
        Mentor("m2", skills={"gis": 3}, capacity=0, availability=week("mon 17:00-20:00")),
    ]
    return apprentices, mentors


def test_pairs_and_unmatched_are_explained_with_facts():
    calls = []
    result = propose_pairs(*_round(), progress=lambda f, m: calls.append((f, m)))
    [pair] = result.pairs
    assert (pair.apprentice_id, pair.mentor_id) == ("a1", "m1")
    assert pair.facts["shared_skills"] == ["python", "sql"]
    assert pair.facts["overlap_minutes"] == 180
    assert "Shares 2 of the apprentice's 2 skills" in pair.reason and "3.0 h/week" in pair.reason
    assert "same region (North)" in pair.reason
    codes = {u.apprentice_id: u for u in result.unmatched}
    assert codes["a3"].code == "capacity_taken" and "m1" in codes["a3"].reason
    assert codes["a2"].code == "no_compatible_mentor"
    assert codes["a4"].details["binding_rule"] == "availability"
    assert calls[0][0] == 0.0 and calls[-1][0] == 1.0
    assert json.loads(json.dumps(result.report))["matched"] == 1


def test_report_has_baselines_and_blocking_pairs():
    report = propose_pairs(*_round()).report
    assert set(report["baselines"]) == {"greedy", "deferred_acceptance"}
    assert report["blocking_pairs"] == 0
    assert report["match_rate_by_partner"]["CC"]["matched"] == 1


def test_min_score_leaves_apprentices_below_it():
    result = propose_pairs(*_round(), MatchRules(min_score=0.99))
    assert not result.pairs
    assert {u.code for u in result.unmatched} >= {"below_min_score"}


def test_readiness_lists_shortfalls_and_stranded():
    report = check_readiness(*_round())
    assert report["places"] == 1 and not report["ready"]
    stranded = {r["apprentice_id"] for r in report["no_compatible_mentor"]}
    assert stranded == {"a2", "a4"}
    json.dumps(report)


def test_load_spreading_reports_its_cost():
    apprentices = [
        Apprentice(f"a{i}", skills={"python": 3}, availability=week("mon 17:00-19:00"))
        for i in range(2)
    ]
    mentors = [
        Mentor("m1", skills={"python": 3}, capacity=2, availability=week("mon 17:00-19:00")),
        Mentor("m2", capacity=1, availability=week("mon 17:00-19:00")),
    ]
    plain = propose_pairs(apprentices, mentors)
    spread = propose_pairs(apprentices, mentors, MatchRules(load_spreading=0.5))
    assert {p.mentor_id for p in plain.pairs} == {"m1"}
    assert {p.mentor_id for p in spread.pairs} == {"m1", "m2"}
    assert spread.report["load_spreading"]["score_cost"] > 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_vectorized_baselines_match_their_definitions(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 25)), int(rng.integers(1, 8))
    rows, cols = np.nonzero(rng.random((n, m)) < 0.5)
    scores = np.round(rng.random(len(rows)), 1)
    capacity = rng.integers(0, 3, m)
    want = np.full(n, -1)
    room = capacity.copy()
    for k in np.lexsort((cols, rows, -scores)):
        if want[rows[k]] < 0 and room[cols[k]] > 0:
            want[rows[k]], room[cols[k]] = cols[k], room[cols[k]] - 1
    assert np.array_equal(greedy(n, capacity, rows, cols, scores), want)
    # Both sides rank by one common order, so the stable matching is greedy's.
    assert np.array_equal(deferred_acceptance(n, capacity, rows, cols, scores), want)


def test_candidate_path_is_feasible_and_near_optimal():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from instances import make_round

    apprentices, mentors = make_round(600, 150, seed=3)
    exact = propose_pairs(apprentices, mentors)
    short = propose_pairs(apprentices, mentors, MatchRules(solver="candidates"))
    assert exact.solve_path.startswith("exact") and short.solve_path.startswith("candidates")
    by_id = {p.id: p for p in [*apprentices, *mentors]}
    for pair in short.pairs:
        assert ref.allowed(by_id[pair.apprentice_id], by_id[pair.mentor_id], MatchRules())
    assert short.report["matched"] == exact.report["matched"]
    assert short.report["total_score"] == pytest.approx(exact.report["total_score"], rel=5e-3)


def test_an_outscored_apprentice_hears_who_took_the_place_by_name():
    apprentices, mentors = _round()
    apprentices = [replace(a, name=f"Person {a.id}") for a in apprentices]
    mentors = [replace(m, name="Maya Chen") if m.id == "m1" else m for m in mentors]

    result = propose_pairs(apprentices, mentors)

    [outscored] = [u for u in result.unmatched if u.code == "capacity_taken"]
    assert "Maya Chen (" in outscored.reason and "went to Person a1 (" in outscored.reason
    [rival] = outscored.details["compatible_mentors"]
    assert (rival["mentor_id"], rival["mentor_name"]) == ("m1", "Maya Chen")
    assert rival["taken_by"][0] | {"score": None} == {
        "apprentice_id": "a1",
        "apprentice_name": "Person a1",
        "score": None,
    }
