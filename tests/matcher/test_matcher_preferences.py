"""Stated preferences in profiles, rules, CSV files, the command line and the report."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from test_matcher_cli import APPRENTICES, MENTORS, _files, _rows

from matcher import Apprentice, MatchRules, Mentor, TimeSlot, propose_pairs
from matcher.cli import main
from matcher.config import rules_from_mapping
from matcher.csvio import CsvProblems, read_apprentices, read_mentors

EVENING = (TimeSlot(0, 17 * 60, 20 * 60),)


def _people():
    apprentices = [
        Apprentice(f"a{i}", partner=p, skills={"python": 2}, availability=EVENING)
        for i, p in enumerate(["P", "P", "Q", "Q"])
    ]
    mentors = [
        Mentor("m0", skills={"python": 3}, availability=EVENING, capacity=1),
        Mentor("m1", skills={"sql": 3}, availability=EVENING, capacity=1),
    ]
    return apprentices, mentors


def test_nothing_stated_keeps_every_result_and_report_figure():
    apprentices, mentors = _people()
    plain = propose_pairs(apprentices, mentors, MatchRules())
    weighted = propose_pairs(
        apprentices, mentors, MatchRules(weights={**MatchRules().weights, "stated": 0.5})
    )
    assert plain.pairs == weighted.pairs and plain.unmatched == weighted.unmatched
    assert "stated" not in plain.pairs[0].components
    objectives = plain.report["objectives"]
    assert set(objectives) == {"optimal", "stable", "greedy"}
    assert objectives["optimal"]["total_score"] == plain.report["total_score"]
    assert (
        objectives["stable"]["matched"]
        == plain.report["baselines"]["deferred_acceptance"]["matched"]
    )


def test_a_ranked_mentor_adds_the_stated_component_and_wins_the_place():
    apprentices, mentors = _people()
    apprentices[3] = replace(apprentices[3], ranked_mentors=("m0",))
    result = propose_pairs(apprentices, mentors, MatchRules(objective="stable"))
    pairs = {p.apprentice_id: p for p in result.pairs}
    assert pairs["a3"].mentor_id == "m0"
    assert pairs["a3"].components["stated"] == pytest.approx(0.05)
    assert pairs["a3"].score == pytest.approx(sum(pairs["a3"].components.values()))
    assert result.report["objectives"]["stable"]["top_choices"]["first_choice"] == 1
    assert result.solve_path == "exact/stable"


def test_hard_not_fit_forbids_the_pair_and_soft_makes_it_last():
    apprentices, mentors = _people()
    mentors[0] = replace(mentors[0], not_fit=frozenset({"a0", "a1", "a2"}))
    hard = propose_pairs(apprentices, mentors, MatchRules(not_fit="hard"))
    assert {p.apprentice_id for p in hard.pairs if p.mentor_id == "m0"} == {"a3"}
    soft = propose_pairs(apprentices, mentors, MatchRules(objective="stable"))
    assert {p.apprentice_id for p in soft.pairs if p.mentor_id == "m0"} == {"a3"}
    alone = [replace(a, id=a.id) for a in apprentices[:1]]
    kept = propose_pairs(alone, mentors[:1], MatchRules(objective="stable"))
    assert [p.mentor_id for p in kept.pairs] == ["m0"]  # soft: still a choice, the last


def test_floors_report_their_price_and_the_closest_feasible_floors():
    apprentices, mentors = _people()
    apprentices = [
        replace(a, ranked_mentors=("m0",)) if a.partner == "P" else a for a in apprentices
    ]
    rules = MatchRules(min_match_rate={"partner": 1.0})
    result = propose_pairs(apprentices, mentors, rules)
    floors = result.report["floors"]
    assert not floors["feasible"]  # two places cannot match all of a group of two and more
    assert floors["closest_feasible_min_match_rate"]["partner"] == pytest.approx(0.5, abs=1e-3)
    rates = result.report["objectives"]["floors"]["match_rate_by_group"]["partner"]
    assert rates["P"]["rate"] == 0.5 and rates["Q"]["rate"] == 0.5
    assert set(result.report["objectives"]) == {"optimal", "stable", "greedy", "floors"}


def test_rules_read_the_new_keys_and_refuse_bad_ones():
    rules = rules_from_mapping(
        {"objective": "stable", "not_fit": "hard", "weights": {"skills": 1, "stated": 0.2}}
    )
    assert (rules.objective, rules.not_fit, rules.weights["stated"]) == ("stable", "hard", 0.2)
    rules = rules_from_mapping({"top_choices": 3})
    assert rules.top_choices == 3
    rules = rules_from_mapping({"min_match_rate": {"partner": 0.25, "pathways": 0.1}})
    assert rules.min_match_rate == {"partner": 0.25, "pathways": 0.1}
    for bad, message in [
        ({"top_choices": 6}, "top_choices"),
        ({"not_fit": "maybe"}, "not_fit"),
        ({"min_match_rate": {"shoe_size": 0.2}}, "shoe_size"),
        ({"min_match_rate": {"partner": 1.5}}, "between 0 and 1"),
        ({"min_match_rate": 0.3}, "table"),
        ({"objective": "stable", "top_choices": 2}, "cannot be combined"),
    ]:
        with pytest.raises(ValueError, match=message):
            rules_from_mapping(bad)


def test_csv_reads_stated_columns_and_names_bad_cells():
    header = APPRENTICES.splitlines()[0]
    text = header + ",ranked_mentors\n" + APPRENTICES.splitlines()[1] + ",m2; m1\n"
    [a] = read_apprentices(io.StringIO(text))
    assert a.ranked_mentors == ("m2", "m1")
    too_many = header + ",ranked_mentors\n" + APPRENTICES.splitlines()[1] + ",m1;m2;m3;m4;m5;m6\n"
    with pytest.raises(CsvProblems, match="line 2, column ranked_mentors: at most 5"):
        read_apprentices(io.StringIO(too_many))
    m_header, m_row = MENTORS.splitlines()[:2]
    [m] = read_mentors(io.StringIO(m_header + ",preferred,not_fit\n" + m_row + ",a1;a2,a3\n"))
    assert (m.preferred, m.not_fit) == (frozenset({"a1", "a2"}), frozenset({"a3"}))
    with pytest.raises(CsvProblems, match="both preferred and not a good fit"):
        read_mentors(io.StringIO(m_header + ",preferred,not_fit\n" + m_row + ",a1,a1\n"))


def _with_ranked(ranked: dict[str, str]) -> str:
    """The apprentices file with a ranked_mentors column, filled for the given ids."""
    lines = APPRENTICES.splitlines()
    rows = [lines[0] + ",ranked_mentors"]
    rows += [line + "," + ranked.get(line.split(",")[0], "") for line in lines[1:]]
    return "\n".join(rows) + "\n"


def test_cli_refuses_unknown_stated_ids_by_line_and_writes_nothing(tmp_path, capsys):
    args = _files(tmp_path, _with_ranked({"a2": "m1;m9"}))
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "a.csv: line 3, column ranked_mentors: unknown mentor id 'm9'" in err
    assert not any((tmp_path / f).exists() for f in ("pairs.csv", "scores.csv", "report.json"))


def test_cli_runs_the_stable_objective_with_stated_preferences(tmp_path):
    args = _files(tmp_path, _with_ranked({"a1": "m1"}))
    (tmp_path / "rules.toml").write_text(
        'objective = "stable"\nnot_fit = "soft"\n[weights]\nskills = 1.0\nstated = 0.2\n'
    )
    assert main(args) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["solve"]["path"] == "exact/stable"
    assert report["objectives"]["stable"]["blocking_pairs"] == 0
    assert {"score_given_up", "matches_given_up"} <= set(report["stable"]["price"])
    pairs = {r["apprentice_id"]: r for r in _rows(tmp_path / "pairs.csv")}
    assert pairs["a1"]["mentor_id"] == "m1"
