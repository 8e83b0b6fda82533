"""Optimal assignment of apprentices to mentor capacity slots on the feasible graph."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

logger = logging.getLogger(__name__)

DENSE_MAX_CELLS = 40_000  # measured: the sparse solver wins above this on real rounds


@dataclass(frozen=True)
class Slots:
    """Mentor capacity expanded into slots; edges repeated once per slot by index arithmetic."""

    edge: np.ndarray  # which input edge each slot-edge copies
    slot: np.ndarray  # the slot (column) it points to
    rank: np.ndarray  # 0 for a mentor's first place, 1 for the second, ...
    owner: np.ndarray  # mentor of each slot
    count: int


def expand_slots(cols: np.ndarray, capacity: np.ndarray) -> Slots:
    """Expand per-mentor edges to per-slot edges without recomputing anything per slot."""
    capacity = np.maximum(capacity, 0)
    first_slot = np.cumsum(capacity) - capacity
    reps = capacity[cols]
    edge = np.repeat(np.arange(len(cols)), reps)
    rank = np.arange(len(edge)) - np.repeat(np.cumsum(reps) - reps, reps)
    owner = np.repeat(np.arange(len(capacity)), capacity)
    return Slots(edge, first_slot[cols][edge] + rank, rank, owner, int(capacity.sum()))


def solve(
    n: int,
    capacity: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    objective: str = "max_matches",
    spreading: float = 0.0,
    path: str = "auto",
    guaranteed: np.ndarray | None = None,
) -> tuple[np.ndarray, str]:
    """Best mentor per apprentice (-1 = unmatched) under `objective`, and the path used.

    `guaranteed` (one flag per edge) puts first, before the objective, the number of
    apprentices matched through a flagged edge (the top-choice guarantee).
    """
    rows, cols, scores = edges
    if objective == "max_min":
        keep = scores >= bottleneck_threshold(n, capacity, rows, cols, scores)
        rows, cols, scores = rows[keep], cols[keep], scores[keep]
        guaranteed = None if guaranteed is None else guaranteed[keep]
        objective = "max_matches"
    slots = expand_slots(cols, capacity)
    if n == 0 or len(slots.edge) == 0:
        return np.full(n, -1, dtype=np.int64), "empty"
    cost = 2.0 - scores[slots.edge] + spreading * slots.rank
    unmatched_cost = _unmatched_cost(n, objective, spreading, capacity)
    if guaranteed is not None and guaranteed.any():
        # Every apprentice not matched through a guaranteed edge pays `above`, which outweighs
        # any difference in the objective's own costs: the guarantee comes first. Unmatched
        # costs stay the same for everyone, so both solver layouts still apply.
        above = (n + 1) * (unmatched_cost + 2.0 + spreading * float(capacity.max(initial=1)))
        cost = cost + np.where(guaranteed[slots.edge], 0.0, above)
        unmatched_cost += above
    if path == "auto":
        path = "dense" if n * (slots.count + n) <= DENSE_MAX_CELLS else "sparse"
    args = (n, rows[slots.edge], slots.slot, cost, slots.count, unmatched_cost)
    if path == "dense":
        chosen = _solve_dense(*args)
    else:  # most matches first (nothing ranked above them): few places stay unused
        ranked_first = guaranteed is not None and guaranteed.any()
        chosen = _solve_sparse(*args, shared=objective == "max_matches" and not ranked_first)
    mentor_of = np.where(chosen < slots.count, slots.owner[np.minimum(chosen, slots.count - 1)], -1)
    return mentor_of, path


def _unmatched_cost(n: int, objective: str, spreading: float, capacity: np.ndarray) -> float:
    if objective == "max_score":
        return 2.0
    # Larger than any possible gain in score, so one more match always wins.
    max_rank = float(capacity.max(initial=1))
    return (n + 1) * (2.0 + spreading * max_rank) + 2.0


def _solve_dense(n, r, slot, cost, n_slots, unmatched_cost) -> np.ndarray:
    full = np.full((n, n_slots + n), np.inf)
    full[r, slot] = cost
    full[np.arange(n), n_slots + np.arange(n)] = unmatched_cost
    row_ind, col_ind = linear_sum_assignment(full)
    chosen = np.empty(n, dtype=np.int64)
    chosen[row_ind] = col_ind
    return chosen


def _solve_sparse(n, r, slot, cost, n_slots, unmatched_cost, shared=False) -> np.ndarray:
    # The smaller side goes on the rows; on capacity-bound rounds (fewer places than
    # apprentices) putting slots on the rows measured 12x faster. Each row may stay
    # unmatched through a "nobody" column so a full matching always exists.
    transpose = n_slots < n
    n_rows, n_cols = (n_slots, n) if transpose else (n, n_slots)
    r, c = (slot, r) if transpose else (r, slot)
    extra_r, extra_c = _nobody_columns(r, c, n_rows, n_cols, shared)
    graph = sp.csr_matrix(
        (
            np.concatenate([cost, np.full(len(extra_r), unmatched_cost)]),
            (np.concatenate([r, extra_r]), np.concatenate([c, n_cols + extra_c])),
        ),
        shape=(n_rows, n_cols + int(extra_c.max(initial=-1)) + 1),
    )
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    chosen = np.full(n, n_slots, dtype=np.int64)  # n_slots = "no slot"
    if transpose:
        real = col_ind < n
        chosen[col_ind[real]] = row_ind[real]
    else:
        chosen[row_ind] = np.where(col_ind < n_slots, col_ind, n_slots)
    return chosen


def _nobody_columns(r, c, n_rows: int, n_cols: int, shared: bool):
    """(row, nobody column) pairs through which rows may stay unmatched.

    Without `shared`, each row has a private nobody column. With it (the objective matches
    as many as possible first), every optimum leaves exactly as many rows unmatched as a
    maximum matching does, and only rows that some maximum matching leaves unmatched:
    those reachable from a maximum matching's unmatched rows by alternating paths
    (Gallai-Edmonds). So that many nobody columns, shared by those rows, keep every optimum.
    The solver's work grows with its columns: on the 100,000 x 25,000 round this
    takes 50,000 nobody columns down to under a hundred.
    """
    own = np.arange(n_rows)
    if not shared or len(r) == 0:
        return own, own
    graph = sp.csr_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n_rows, n_cols))
    match = maximum_bipartite_matching(graph, perm_type="column")
    free = np.flatnonzero(match < 0)
    if len(free) == 0:
        return own[:0], own[:0]
    row_of = np.full(n_cols, -1, dtype=np.int64)
    row_of[match[match >= 0]] = np.flatnonzero(match >= 0)
    reach = np.zeros(n_rows, dtype=bool)
    reach[free] = True
    frontier = free
    while len(frontier):  # unmatched row -> its columns -> the rows matched to them
        nxt = row_of[np.unique(graph[frontier].indices)]
        nxt = np.unique(nxt[nxt >= 0])
        frontier = nxt[~reach[nxt]]
        reach[frontier] = True
    rows = np.flatnonzero(reach)
    return np.repeat(rows, len(free)), np.tile(np.arange(len(free)), len(rows))


def max_cardinality(n: int, capacity: np.ndarray, rows, cols) -> int:
    """Most apprentices that can be matched at once (Hopcroft–Karp on slots)."""
    slots = expand_slots(cols, capacity)
    if n == 0 or slots.count == 0 or len(slots.edge) == 0:
        return 0
    graph = sp.csr_matrix(
        (np.ones(len(slots.edge)), (rows[slots.edge], slots.slot)), shape=(n, slots.count)
    )
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def bottleneck_threshold(n: int, capacity: np.ndarray, rows, cols, scores) -> float:
    """Highest score t such that pairs scoring >= t still match as many as possible."""
    if len(scores) == 0:
        return 0.0
    best = max_cardinality(n, capacity, rows, cols)
    levels = np.unique(scores)
    lo, hi = 0, len(levels) - 1  # levels[lo] always keeps the best cardinality
    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = scores >= levels[mid]
        if max_cardinality(n, capacity, rows[keep], cols[keep]) == best:
            lo = mid
        else:
            hi = mid - 1
    return float(levels[lo])
