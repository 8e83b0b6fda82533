"""One matching round end to end: encode, score, solve, explain, report."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

import numpy as np

from matcher.candidates import Edges, all_feasible, scored_blocks
from matcher.config import check_rules
from matcher.features import Encoded, encode
from matcher.gcpause import collector_paused
from matcher.objectives import solve_free, solve_round
from matcher.outcomes import build_pairs, build_unmatched
from matcher.preferences import collect, edge_values, pair_bonus, stated_weight, with_stated
from matcher.profiles import Apprentice, MatchResult, MatchRules, Mentor
from matcher.report import edge_scores, quality_report
from matcher.sections import objective_sections

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
EXACT_MAX_CELLS = 60_000_000  # beyond this many apprentice x mentor cells, keep candidates


def propose_pairs(
    apprentices: Sequence[Apprentice],
    mentors: Sequence[Mentor],
    rules: MatchRules = MatchRules(),  # noqa: B008 - frozen, so a shared default is safe
    progress: Progress | None = None,
) -> MatchResult:
    """Propose optimal, explained apprentice–mentor pairs under the round's rules."""
    with collector_paused():
        return _propose_pairs(apprentices, mentors, rules, progress)


def _propose_pairs(apprentices, mentors, rules: MatchRules, progress) -> MatchResult:
    check_rules(rules)
    tell = progress or (lambda fraction, message: None)
    timings: dict[str, float] = {}
    apprentices, mentors = (
        _sorted_unique(apprentices, "apprentice"),
        _sorted_unique(mentors, "mentor"),
    )
    with _phase(timings, "encode"):
        tell(0.0, "encoding profiles")
        enc = encode(apprentices, mentors, rules)
        locked_of = _locked(enc, rules)
        stated = collect(enc, apprentices, mentors, rules)
    with _phase(timings, "constraints_scores"):
        tell(0.1, "applying rules and scoring pairs")
        edges = with_stated(enc, build_edges(enc, rules), stated, rules)
    with _phase(timings, "solve"):
        tell(0.5, f"solving ({len(edges)} allowed pairs)")
        outcome = solve_round(enc, edges, locked_of, rules, stated, apprentices)
        mentor_of, path = outcome.mentor_of, outcome.path
    with _phase(timings, "explain"):
        tell(0.7, "explaining pairs")
        locked = locked_of >= 0
        rows = np.arange(len(apprentices))
        bonus = pair_bonus(stated, rows, mentor_of, stated_weight(rules)) if len(stated) else None
        pairs = build_pairs(enc, apprentices, mentors, mentor_of, locked, rules, bonus)
        scores = _scores_by_row(enc, pairs, len(apprentices))
        unmatched = build_unmatched(
            enc, edges, edges.best, mentor_of, scores, rules, (apprentices, mentors)
        )
    with _phase(timings, "report"):
        tell(0.85, "building the quality report")
        solve_info = _solve_info(edges, path, rules, timings)
        values = edge_values(edges, stated) if len(stated) else None
        assignments: dict[str, np.ndarray] = {}
        report = quality_report(
            apprentices,
            mentor_of,
            scores,
            enc.capacity,
            edges,
            locked,
            solve_info,
            values,
            assignments,
        )
        if rules.load_spreading > 0:
            report["load_spreading"] = _spreading_cost(enc, edges, locked_of, scores, rules, report)
        report.update(
            objective_sections(
                apprentices, enc, edges, outcome, stated, rules, (locked, scores), assignments
            )
        )
    solve_info["seconds"]["report"] = round(timings["report"], 4)
    tell(1.0, "done")
    return MatchResult(tuple(pairs), tuple(unmatched), report, solve_info["path"])


def build_edges(enc: Encoded, rules: MatchRules) -> Edges:
    """All allowed pairs when they fit, else the best candidates per apprentice and slot."""
    n, m = enc.shape
    if rules.solver == "candidates" or (rules.solver == "auto" and n * m > EXACT_MAX_CELLS):
        from matcher.largescale import candidate_edges

        return candidate_edges(enc, rules)
    return all_feasible(enc, rules)


def _spreading_cost(enc, edges, locked_of, scores, rules, report) -> dict[str, object]:
    """What load spreading cost in total score, against the same round without it."""
    plain, _ = solve_free(enc, edges, locked_of, replace(rules, load_spreading=0.0))
    plain_scores = np.where(locked_of >= 0, scores, edge_scores(plain, edges))
    plain_total = float(plain_scores[plain >= 0].sum())
    return {
        "penalty_per_extra_apprentice": rules.load_spreading,
        "total_score": report["total_score"],
        "mentors_used": report["mentor_load"]["mentors_used"],
        "matched": report["matched"],
        "without_spreading": {
            "total_score": round(plain_total, 6),
            "mentors_used": int(len(np.unique(plain[plain >= 0]))),
            "matched": int((plain >= 0).sum()),
        },
        "score_cost": round(plain_total - float(report["total_score"]), 6),
    }


def _sorted_unique(people, kind: str):
    ordered = sorted(people, key=lambda p: p.id)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.id == b.id:
            raise ValueError(f"duplicate {kind} id {a.id!r}")
    return ordered


def _locked(enc: Encoded, rules: MatchRules) -> np.ndarray:
    """Mentor index per apprentice fixed by a coordinator's lock (-1 = free)."""
    locked_of = np.full(enc.shape[0], -1, dtype=np.int64)
    if not rules.locked:
        return locked_of
    a_index = {a: i for i, a in enumerate(enc.apprentice_ids)}
    m_index = {m: j for j, m in enumerate(enc.mentor_ids)}
    for a, m in sorted(rules.locked):
        if a not in a_index or m not in m_index:
            logger.warning("ignoring lock on unknown pair %s / %s", a, m)
        elif locked_of[a_index[a]] >= 0:
            logger.warning("apprentice %s has several locks; keeping the first", a)
        else:
            locked_of[a_index[a]] = m_index[m]
    return locked_of


def _scores_by_row(enc: Encoded, pairs, n: int) -> np.ndarray:
    index = {a: i for i, a in enumerate(enc.apprentice_ids)}
    scores = np.zeros(n)
    if pairs:
        rows = np.fromiter((index[p.apprentice_id] for p in pairs), np.int64, len(pairs))
        scores[rows] = [p.score for p in pairs]
    return scores


def _solve_info(edges: Edges, path: str, rules: MatchRules, timings) -> dict[str, object]:
    kind = "exact" if edges.exact else "candidates"
    return {
        "path": f"{kind}/{path}",
        "allowed_pairs": int(len(edges)),
        "exact": bool(edges.exact),
        "objective": rules.objective,
        "seconds": {k: round(v, 4) for k, v in timings.items()},
    }


class _phase:
    """Context manager that records a phase's wall time."""

    def __init__(self, timings: dict[str, float], name: str):
        self.timings, self.name = timings, name

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        self.timings[self.name] = time.perf_counter() - self.start
        logger.debug("phase %s took %.3fs", self.name, self.timings[self.name])


def allowed_scores(
    apprentices: Sequence[Apprentice],
    mentors: Sequence[Mentor],
    rules: MatchRules = MatchRules(),  # noqa: B008 - frozen, so a shared default is safe
) -> Iterator[tuple[str, str, float]]:
    """Every pair that passes the hard rules, with its score (streamed block by block)."""
    check_rules(rules)
    apprentices = _sorted_unique(apprentices, "apprentice")
    mentors = _sorted_unique(mentors, "mentor")
    enc = encode(apprentices, mentors, rules)
    stated = collect(enc, apprentices, mentors, rules)
    weight = stated_weight(rules)
    for rows, scores in scored_blocks(enc, rules):
        r, c = np.nonzero(scores >= 0)
        if len(stated):  # stated pairs carry their stated component, as in the round
            extra = pair_bonus(stated, rows[r], c, weight)
            scores[r, c] = np.minimum(scores[r, c] + extra, 1.0)
        for i, j, s in zip(rows[r].tolist(), c.tolist(), scores[r, c].tolist(), strict=True):
            yield enc.apprentice_ids[i], enc.mentor_ids[j], s
