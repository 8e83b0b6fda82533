"""Equity floors: a lowest match rate for every group of an apprentice column, exactly.

When every apprentice is in one group (a floor on partner, region, mode, minor, or on a
set-valued column where nobody has two values), the floors fit the assignment itself:
instead of a private "nobody" column per apprentice, group g shares
`members - needed` nobody columns among its members, so a full assignment exists exactly
when every floor can be met, and the optimal one is the best assignment meeting them (same
costs as the plain solve, so with floors that do not bind it is the plain optimum). Solved
by SciPy's LAPJV (dense) or LAPJVsp (sparse), chosen by size as in `solve`; measured faster
than the linear program of `floors_lp`, which handles overlapping groups.

Floors that cannot all be met are scaled down together to the highest feasible fraction of
what was asked (found by bisection with Hopcroft-Karp matchings), used, and reported.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from matcher.solve import DENSE_MAX_CELLS, _unmatched_cost, expand_slots

logger = logging.getLogger(__name__)

SCALE_STEPS = 10  # bisection steps for the closest feasible floors (1/1024 of the floors)


@dataclass(frozen=True)
class Groups:
    """Floor groups: membership (groups x apprentices, 0/1) and the matches each needs."""

    names: tuple[tuple[str, str], ...]  # (column, group value)
    members: sp.csr_matrix
    needed: np.ndarray  # whole matches each group must still reach
    already: np.ndarray  # members matched before solving (locked pairs)
    rates: np.ndarray  # the floor asked for each group


@dataclass(frozen=True)
class FloorSolution:
    """The floor-constrained assignment and what the solver found."""

    mentor_of: np.ndarray
    shortfall: np.ndarray  # per group: matches below the floor asked (0 when feasible)
    exact: bool
    method: str
    rounds: int
    scale: float = 1.0  # fraction of the asked floors that was feasible


def group_values(apprentice, column: str) -> list[str]:
    """The groups an apprentice belongs to in `column` (several for set-valued columns)."""
    value = getattr(apprentice, column)
    if isinstance(value, bool):
        return ["minor" if value else "adult"] if column == "minor" else [str(value)]
    if isinstance(value, frozenset | tuple | list | set):
        return sorted(value) or ["(none)"]
    return [str(value) or "(none)"]


def build_groups(apprentices: Sequence, floors: dict[str, float], base: np.ndarray) -> Groups:
    """Groups of every floor column; `base` marks members already matched (locked)."""
    names, rows, cols = [], [], []
    for column in sorted(floors):
        index: dict[str, list[int]] = {}
        for i, a in enumerate(apprentices):
            for value in group_values(a, column):
                index.setdefault(value, []).append(i)
        for value in sorted(index):
            rows.extend([len(names)] * len(index[value]))
            cols.extend(index[value])
            names.append((column, value))
    members = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(names), len(apprentices))
    )
    rates = np.array([float(floors[c]) for c, _ in names])
    already = np.rint(members @ base).astype(np.int64)
    return Groups(tuple(names), members, _needed(members, rates, already), already, rates)


def _needed(members: sp.csr_matrix, rates: np.ndarray, already: np.ndarray) -> np.ndarray:
    size = np.asarray(members.sum(axis=1)).ravel()
    return np.maximum(np.ceil(rates * size - 1e-9).astype(np.int64) - already, 0)


def solve_floors(
    n: int,
    capacity: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    groups: Groups,
    objective: str,
    start: np.ndarray,
    free: np.ndarray,
    spreading: float = 0.0,
) -> FloorSolution:
    """Best assignment meeting every group's floor (or the closest feasible floors)."""
    if _meets(start, groups, free):  # the constraints only remove assignments
        empty = np.zeros(len(groups.names), dtype=np.int64)
        return FloorSolution(start, empty, True, "the unconstrained optimum meets them", 0)
    if np.asarray(groups.members[:, free].sum(axis=0)).max(initial=0) > 1:
        from matcher.floors_lp import solve_floors_lp

        return solve_floors_lp(n, capacity, edges, groups, objective, start)
    problem = _Problem(n, capacity, edges, groups, free, objective, spreading)
    scale, rounds = 1.0, 0
    if not problem.feasible(groups.needed):
        scale, rounds = problem.highest_scale()
    needed = problem.scaled(scale)
    mentor_of = problem.solve(needed)
    shortfall = groups.needed - needed
    method = "assignment with shared unmatched places per group (LAPJV/LAPJVsp)"
    return FloorSolution(mentor_of, shortfall, True, method, rounds, scale)


def _meets(mentor_of: np.ndarray, groups: Groups, free: np.ndarray) -> bool:
    got = groups.members @ ((mentor_of >= 0) & free).astype(float)
    return bool(np.all(got >= groups.needed))


class _Problem:
    """Apprentices x (mentor places + each group's shared unmatched places)."""

    def __init__(self, n, capacity, edges, groups: Groups, free, objective, spreading):
        rows, cols, scores = edges
        self.n, self.groups, self.free = n, groups, free
        self.group_of = np.full(n, -1, dtype=np.int64)
        coo = groups.members.tocoo()
        self.group_of[coo.col] = coo.row
        self.size = np.bincount(self.group_of[free], minlength=len(groups.names))
        slots = expand_slots(cols, capacity)
        self.owner, self.n_slots = slots.owner, slots.count
        self.real = (
            rows[slots.edge],
            slots.slot,
            2.0 - scores[slots.edge] + spreading * slots.rank,
        )
        self.unmatched = _unmatched_cost(n, objective, spreading, capacity)
        self.rows = np.flatnonzero(free)

    def scaled(self, scale: float) -> np.ndarray:
        """Matches each group needs when the asked floors are multiplied by `scale`."""
        return _needed(self.groups.members, self.groups.rates * scale, self.groups.already)

    def _graph(self, needed: np.ndarray):
        spare = self.size - needed  # unmatched places each group may use
        if (spare < 0).any():
            return None
        r, c, cost = self.real
        keep = self.free[r]
        members = self.rows[self.group_of[self.rows] >= 0]
        g = self.group_of[members]
        first = self.n_slots + np.concatenate([[0], np.cumsum(spare)[:-1]]).astype(np.int64)
        reps = spare[g]
        who = np.repeat(members, reps)
        col = np.repeat(first[g], reps) + _within(reps)
        alone = self.rows[self.group_of[self.rows] < 0]
        width = self.n_slots + int(spare.sum()) + len(alone)
        pos = np.full(self.n, -1, dtype=np.int64)
        pos[self.rows] = np.arange(len(self.rows))
        all_r = np.concatenate([pos[r[keep]], pos[who], pos[alone]])
        all_c = np.concatenate([c[keep], col, width - len(alone) + np.arange(len(alone))])
        all_cost = np.concatenate([cost[keep], np.full(len(who) + len(alone), self.unmatched)])
        return all_r, all_c, all_cost, (len(self.rows), width)

    def feasible(self, needed: np.ndarray) -> bool:
        """Whether every group can reach `needed` matches at once (Hopcroft-Karp)."""
        graph = self._graph(needed)
        if graph is None:
            return False
        r, c, _, shape = graph
        if shape[0] > shape[1]:
            return False
        matrix = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=shape)
        return bool((maximum_bipartite_matching(matrix, perm_type="column") >= 0).all())

    def highest_scale(self) -> tuple[float, int]:
        """The largest fraction of the asked floors that can all be met (bisection)."""
        lo, hi = 0.0, 1.0
        for _ in range(SCALE_STEPS):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if self.feasible(self.scaled(mid)) else (lo, mid)
        return lo, SCALE_STEPS

    def solve(self, needed: np.ndarray) -> np.ndarray:
        """The optimal assignment where each group reaches `needed` matches."""
        r, c, cost, shape = self._graph(needed)
        if shape[0] * shape[1] <= DENSE_MAX_CELLS:
            full = np.full(shape, np.inf)
            full[r, c] = cost
            row_ind, col_ind = linear_sum_assignment(full)
        else:
            matrix = sp.csr_matrix((cost, (r, c)), shape=shape)
            row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
        mentor_of = np.full(self.n, -1, dtype=np.int64)
        real = col_ind < self.n_slots
        mentor_of[self.rows[row_ind[real]]] = self.owner[col_ind[real]]
        return mentor_of


def _within(reps: np.ndarray) -> np.ndarray:
    """0, 1, ..., reps[k] - 1 for each k, concatenated."""
    total = int(reps.sum())
    return np.arange(total) - np.repeat(np.cumsum(reps) - reps, reps)


def rate(part: int, whole: int) -> float:
    """A match rate rounded for the report."""
    return round(part / whole, 6) if whole else 0.0
