"""Mentors for one apprentice by hand: the round's rules, scores and reasons, ranked."""

from __future__ import annotations

import pytest

from matcher import Apprentice, MatchRules, Mentor, propose_pairs
from matcher.options import mentor_options
from matcher.rounds import allowed_scores
from matcher.schedule import parse_availability as week

EVENINGS = week("mon 17:00-20:00; wed 17:00-20:00")


def _mentors():
    return [
        Mentor("m1", skills={"python": 3, "sql": 2}, availability=EVENINGS, region="North"),
        Mentor("m2", skills={"gis": 3}, availability=EVENINGS),
        Mentor("m3", skills={"python": 3}, availability=week("tue 09:00-10:00")),
        Mentor("m4", skills={"python": 3}, availability=EVENINGS, mode="in_person"),
        Mentor("m5", skills={"python": 3}, availability=EVENINGS, capacity=0),
        Mentor("m6", skills={"python": 3}, availability=EVENINGS, languages=frozenset({"polish"})),
    ]


def _apprentice(**changes):
    fields = {
        "id": "a1",
        "skills": {"python": 2, "sql": 1},
        "availability": EVENINGS,
        "mode": "remote",
        "region": "North",
        "minor": True,
    }
    return Apprentice(**(fields | changes))


def test_feasible_mentors_come_first_by_score_with_the_rounds_scores():
    rules = MatchRules(rejected=frozenset({("a1", "m2")}))
    apprentice = _apprentice(minor=False)
    options = mentor_options(apprentice, _mentors(), rules)

    feasible = [o for o in options if o.feasible]
    expected = {m: s for _, m, s in allowed_scores([apprentice], _mentors(), rules)}
    assert {o.mentor_id for o in feasible} == set(expected) == {"m1"}
    assert feasible[0].score == pytest.approx(expected["m1"], abs=1e-6)
    # The same score and explanation a round gives the same pair.
    [pair] = propose_pairs([apprentice], _mentors(), rules).pairs
    assert pair.mentor_id == "m1" and feasible[0].score == pytest.approx(pair.score)
    assert feasible[0].reason == pair.reason and feasible[0].components == pytest.approx(
        dict(pair.components)
    )


def test_every_other_mentor_says_which_rules_it_breaks():
    rules = MatchRules(rejected=frozenset({("a1", "m2")}), min_overlap_minutes=60)
    options = {o.mentor_id: o for o in mentor_options(_apprentice(), _mentors(), rules)}

    assert options["m2"].broken == ("minor", "rejected")
    assert "pair rejected by a coordinator" in options["m2"].problems
    assert "availability" in options["m3"].broken
    assert "not enough shared weekly time (under 60 min)" in options["m3"].problems
    assert "mode" in options["m4"].broken
    assert "capacity" in options["m5"].broken and "no places this round" in options["m5"].problems
    assert "language" in options["m6"].broken
    assert all(not o.feasible for o in options.values())  # a minor, and no one is checked


def test_scores_rank_feasible_mentors_and_an_empty_list_gives_nothing():
    mentors = [
        Mentor("m1", skills={"gis": 1}, availability=EVENINGS, background_checked=True),
        Mentor(
            "m2", skills={"python": 3, "sql": 3}, availability=EVENINGS, background_checked=True
        ),
    ]
    options = mentor_options(_apprentice(), mentors)
    assert [o.mentor_id for o in options] == ["m2", "m1"]
    assert options[0].score > options[1].score
    assert mentor_options(_apprentice(), []) == []


def test_what_people_stated_counts_as_in_a_round():
    mentors = [
        Mentor("m1", skills={"python": 3}, availability=EVENINGS, background_checked=True),
        Mentor(
            "m2",
            skills={"python": 3},
            availability=EVENINGS,
            background_checked=True,
            not_fit=frozenset({"a1"}),
        ),
    ]
    apprentice = _apprentice(ranked_mentors=("m1",))
    soft = {o.mentor_id: o for o in mentor_options(apprentice, mentors)}
    assert soft["m1"].components["stated"] > 0 and soft["m1"].score > soft["m2"].score
    [pair] = propose_pairs([apprentice], mentors).pairs
    assert (pair.mentor_id, pair.score) == ("m1", pytest.approx(soft["m1"].score))

    hard = {o.mentor_id: o for o in mentor_options(apprentice, mentors, MatchRules(not_fit="hard"))}
    assert hard["m2"].broken == ("not_fit",)
    assert "the mentor marked the apprentice as not a good fit" in hard["m2"].problems
