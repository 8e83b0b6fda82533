"""Floors on overlapping groups (set-valued columns, or several columns) as a program.

The round's objective (most matches, then total score; or total score) is solved as a
linear program with HiGHS (`scipy.optimize.linprog`) by column generation: the program
starts from the unconstrained optimum's pairs and each apprentice's best few, and every
allowed pair whose reduced cost (from the duals) could improve it is added until none can,
which proves the optimum over all allowed pairs. With one floor column whose groups do
not overlap (partner, region, ...) the constraint matrix is a network matrix, so the
optimum is whole pairs; overlapping groups (pathways, or several columns) may give a
fractional optimum, which `scipy.optimize.milp` then rounds exactly on the same pairs
(checked against the linear bound). Measured against `milp` on every allowed pair: see
bench/README.md.

Floors that cannot all be met are replaced by the closest feasible ones (the least total
shortfall, found by the same program with a priced shortfall per group), and reported.
Measured slower than the assignment path of `floors` (see bench/README.md), so it is only
used where groups overlap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from matcher.floors import FloorSolution, Groups

logger = logging.getLogger(__name__)

START_PER_APPRENTICE = 4  # best pairs per apprentice in the first program
ADD_PER_ROUND = 4  # most improving pairs added per apprentice per round
TOLERANCE = 1e-7


def solve_floors_lp(
    n: int,
    capacity: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    groups: Groups,
    objective: str,
    start: np.ndarray,
) -> FloorSolution:
    """Best assignment meeting every group's floor (or the least total shortfall)."""
    rows, cols, scores = edges
    if not len(rows):  # nobody can be matched: every floor falls short by what it needs
        method = "no allowed pairs"
        return FloorSolution(np.full(n, -1, dtype=np.int64), groups.needed, True, method, 0)
    program = _Program(n, capacity, rows, cols, groups)
    active = _first_columns(rows, cols, scores, start)
    # Stage 1: least total shortfall, then most matches.
    weight = np.ones(len(rows))
    stage1, active, rounds1 = program.optimise(active, weight, shortfall_price=n + 1.0)
    shortfall = np.rint(stage1.shortfall).astype(np.int64)
    needed = groups.needed - shortfall
    # Stage 2: the objective's score, keeping stage 1's matches for max_matches.
    card = float(np.rint(stage1.matches)) if objective == "max_matches" else None
    stage2, active, rounds2 = program.optimise(active, scores, needed=needed, card=card)
    x, exact, method = stage2.x, True, "linprog (HiGHS), column generation"
    if not _whole(x):
        x, exact = program.whole(active, scores, needed, card, stage2.value)
        method = "milp (HiGHS) on the generated pairs"
    chosen = active[x > 0.5]
    mentor_of = np.full(n, -1, dtype=np.int64)
    mentor_of[rows[chosen]] = cols[chosen]
    return FloorSolution(mentor_of, shortfall, exact, method, rounds1 + rounds2)


@dataclass(frozen=True)
class _Stage:
    x: np.ndarray
    shortfall: np.ndarray
    matches: float
    value: float


class _Program:
    """The assignment with floors as a linear program over a growing set of pairs."""

    def __init__(self, n, capacity, rows, cols, groups: Groups):
        self.n, self.capacity, self.rows, self.cols = n, capacity, rows, cols
        self.groups = groups
        self.member_t = groups.members.T.tocsr()  # apprentices x groups

    def optimise(self, active, weight, shortfall_price=None, needed=None, card=None):
        """Solve over `active` pairs, adding improving pairs until there are none."""
        rounds = 0
        while True:
            rounds += 1
            stage, duals = self._solve(active, weight, shortfall_price, needed, card)
            more = self._improving(active, weight, duals, card is not None)
            logger.debug("floors round %d: %d pairs, %d to add", rounds, len(active), len(more))
            if not len(more):
                return stage, active, rounds
            active = np.union1d(active, more)

    def _matrix(self, active, n_short: int, card: bool):
        r, c = self.rows[active], self.cols[active]
        k, g = len(active), self.groups.members.shape[0]
        pick = np.arange(k)
        by_group = self.member_t[r].tocoo()  # (pair, group) memberships
        blocks = [
            sp.csr_matrix((np.ones(k), (r, pick)), shape=(self.n, k)),
            sp.csr_matrix((np.ones(k), (c, pick)), shape=(len(self.capacity), k)),
            sp.csr_matrix((-by_group.data, (by_group.col, by_group.row)), shape=(g, k)),
        ]
        if card:
            blocks.append(sp.csr_matrix(-np.ones((1, k))))
        a = sp.vstack(blocks).tocsc()
        if n_short:
            short = sp.vstack(
                [
                    sp.csr_matrix((self.n + len(self.capacity), g)),
                    -sp.identity(g),
                    *([sp.csr_matrix((1, g))] if card else []),
                ]
            )
            a = sp.hstack([a, short]).tocsc()
        return a

    def _bounds(self, needed, card):
        ub = [np.ones(self.n), self.capacity.astype(float), -needed.astype(float)]
        return np.concatenate(ub + ([np.array([-card])] if card is not None else []))

    def _solve(self, active, weight, shortfall_price, needed, card):
        g = self.groups.members.shape[0]
        needed = self.groups.needed if needed is None else needed
        n_short = g if shortfall_price is not None else 0
        cost = np.concatenate([-weight[active], np.full(n_short, shortfall_price or 0.0)])
        a = self._matrix(active, n_short, card is not None)
        upper = np.concatenate([np.ones(len(active)), needed[:n_short].astype(float)])
        bounds = np.stack([np.zeros(len(upper)), upper], axis=1)
        res = linprog(cost, A_ub=a, b_ub=self._bounds(needed, card), bounds=bounds, method="highs")
        if res.status != 0:
            raise RuntimeError(f"floor program failed: {res.message}")
        x = res.x[: len(active)]
        short = res.x[len(active) :] if n_short else np.zeros(g)
        stage = _Stage(x, short, float(x.sum()), float(-(weight[active] @ x)))
        return stage, res.ineqlin.marginals

    def _improving(self, active, weight, duals, card: bool) -> np.ndarray:
        n, m = self.n, len(self.capacity)
        g = self.groups.members.shape[0]
        per_apprentice = duals[:n] - self.member_t @ duals[n + m : n + m + g]
        reduced = -weight - per_apprentice[self.rows] - duals[n : n + m][self.cols]
        if card:
            reduced += duals[-1]
        reduced[active] = 0.0
        better = np.flatnonzero(reduced < -TOLERANCE)
        if len(better) > ADD_PER_ROUND * max(n, 1):
            better = better[np.argsort(reduced[better])[: ADD_PER_ROUND * n]]
        return better

    def whole(self, active, weight, needed, card, bound):
        """Whole pairs on the generated pairs by MILP; exact when it reaches the LP bound."""
        a = self._matrix(active, 0, card is not None)
        lower = np.full(a.shape[0], -np.inf)
        res = milp(
            -weight[active],
            constraints=LinearConstraint(a, lower, self._bounds(needed, card)),
            integrality=np.ones(len(active)),
            bounds=Bounds(0, 1),
        )
        if res.status != 0:
            raise RuntimeError(f"floor program failed: {res.message}")
        return res.x, bool(abs(-res.fun - bound) <= 1e-6 * max(1.0, abs(bound)))


def _first_columns(rows, cols, scores, start) -> np.ndarray:
    """The unconstrained optimum's pairs and each apprentice's best few."""
    order = np.lexsort((-scores, rows))
    first = np.searchsorted(rows[order], rows[order], side="left")
    best = order[np.arange(len(order)) - first < START_PER_APPRENTICE]
    chosen = np.flatnonzero(start[rows] == cols)
    return np.union1d(best, chosen)


def _whole(x: np.ndarray) -> bool:
    return bool(np.all(np.minimum(np.abs(x), np.abs(1 - x)) <= 1e-6))
