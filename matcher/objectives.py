"""The round's objective: the optimum, the stable matching, the top-choice guarantee, floors."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from matcher import floors as floor_module
from matcher.candidates import Edges
from matcher.features import Encoded
from matcher.preferences import Stated, edge_values
from matcher.profiles import Apprentice, MatchRules
from matcher.solve import solve
from matcher.stable import stable_assignment
from matcher.topchoices import guaranteed_edges

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """The chosen assignment, and the other assignments the report compares it with."""

    mentor_of: np.ndarray
    path: str
    optimal: np.ndarray | None = None  # the plain optimum when the objective is another
    floors: dict[str, object] = field(default_factory=dict)


def solve_free(
    enc: Encoded,
    edges: Edges,
    locked_of: np.ndarray,
    rules: MatchRules,
    guaranteed: np.ndarray | None = None,
) -> tuple[np.ndarray, str]:
    """The optimum under the rules' objective for the apprentices no lock fixes."""
    capacity, keep = free_capacity(enc, edges, locked_of)
    path = rules.solver if rules.solver in ("dense", "sparse") else "auto"
    found, used = solve(
        enc.shape[0],
        capacity,
        (edges.rows[keep], edges.cols[keep], edges.scores[keep]),
        "max_matches" if rules.objective == "stable" else rules.objective,
        rules.load_spreading,
        path,
        guaranteed=None if guaranteed is None else guaranteed[keep],
    )
    return np.where(locked_of < 0, found, locked_of), used


def free_capacity(enc: Encoded, edges: Edges, locked_of: np.ndarray):
    """Places left after locks, and which allowed pairs belong to unlocked apprentices."""
    free = locked_of < 0
    taken = np.bincount(locked_of[~free], minlength=enc.shape[1])
    return np.maximum(enc.capacity - taken, 0), free[edges.rows]


def stable_free(enc: Encoded, edges: Edges, locked_of: np.ndarray, stated: Stated) -> np.ndarray:
    """The stable matching on stated preferences for the apprentices no lock fixes."""
    capacity, keep = free_capacity(enc, edges, locked_of)
    a_value, m_value = edge_values(edges, stated)
    found = stable_assignment(
        enc.shape[0], capacity, edges.rows[keep], edges.cols[keep], (a_value[keep], m_value[keep])
    )
    return np.where(locked_of < 0, found, locked_of)


def solve_round(
    enc: Encoded,
    edges: Edges,
    locked_of: np.ndarray,
    rules: MatchRules,
    stated: Stated,
    apprentices: Sequence[Apprentice],
) -> Outcome:
    """The assignment the round's rules ask for."""
    if rules.objective == "stable":
        optimal, _ = solve_free(enc, edges, locked_of, rules)
        return Outcome(stable_free(enc, edges, locked_of, stated), "stable", optimal)
    if rules.top_choices:
        optimal, _ = solve_free(enc, edges, locked_of, rules)
        flags = guaranteed_edges(edges, stated, rules.top_choices)
        mentor_of, path = solve_free(enc, edges, locked_of, rules, guaranteed=flags)
        return Outcome(mentor_of, f"{path}/top{rules.top_choices}", optimal)
    optimal, path = solve_free(enc, edges, locked_of, rules)
    if not rules.min_match_rate:
        return Outcome(optimal, path)
    mentor_of, details = floor_round(enc, edges, locked_of, rules, apprentices, optimal)
    return Outcome(mentor_of, "floors", optimal, details)


def floor_round(enc, edges, locked_of, rules, apprentices, optimal):
    """The floor-constrained assignment, its price per floor column and its groups."""
    start = time.perf_counter()
    mentor_of, solution, groups = _floors(enc, edges, locked_of, rules, apprentices, optimal)
    prices = {}
    if len(rules.min_match_rate) > 1:  # each column's own price, alone
        for column, floor in rules.min_match_rate.items():
            alone = replace(rules, min_match_rate={column: floor})
            own, _, _ = _floors(enc, edges, locked_of, alone, apprentices, optimal)
            prices[column] = own
    details = {
        "solution": solution,
        "groups": groups,
        "prices": prices,
        "seconds": time.perf_counter() - start,
    }
    return mentor_of, details


def _floors(enc, edges, locked_of, rules, apprentices, optimal):
    capacity, keep = free_capacity(enc, edges, locked_of)
    base = (locked_of >= 0).astype(float)
    groups = floor_module.build_groups(apprentices, dict(rules.min_match_rate), base)
    solution = floor_module.solve_floors(
        enc.shape[0],
        capacity,
        (edges.rows[keep], edges.cols[keep], edges.scores[keep]),
        groups,
        rules.objective,
        np.where(locked_of < 0, optimal, -1),
        locked_of < 0,
        rules.load_spreading,
    )
    mentor_of = np.where(locked_of < 0, solution.mentor_of, locked_of)
    return mentor_of, solution, groups
