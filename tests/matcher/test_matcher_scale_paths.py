"""The large-round shortcuts give what their plain definitions give."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import MatchRules
from matcher.features import encode
from matcher.rulecounts import feasible_counts
from matcher.solve import solve

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from instances import make_round  # noqa: E402


def _random_edges(seed: int, n: int, m: int, density: float):
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(rng.random((n, m)) < density)
    scores = np.round(rng.random(len(rows)), 2)  # ties on purpose
    return rows, cols, scores, rng.integers(0, 4, m)


def _total(mentor_of, rows, cols, scores) -> float:
    chosen = {(i, j) for i, j in enumerate(mentor_of.tolist()) if j >= 0}
    return sum(
        s for i, j, s in zip(rows.tolist(), cols.tolist(), scores, strict=True) if (i, j) in chosen
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(5, 40),
    st.integers(2, 15),
    st.sampled_from([0.05, 0.2, 0.5]),
)
def test_shared_nobody_columns_keep_the_optimum(seed, n, m, density):
    """Sparse solve (few shared 'nobody' columns) reaches the dense solver's optimum."""
    rows, cols, scores, capacity = _random_edges(seed, n, m, density)
    for objective in ("max_matches", "max_score"):
        dense, _ = solve(n, capacity, (rows, cols, scores), objective, path="dense")
        sparse, _ = solve(n, capacity, (rows, cols, scores), objective, path="sparse")
        assert (np.bincount(sparse[sparse >= 0], minlength=m) <= capacity).all()
        if objective == "max_matches":
            assert (sparse >= 0).sum() == (dense >= 0).sum()
        got = _total(sparse, rows, cols, scores)
        assert abs(got - _total(dense, rows, cols, scores)) < 1e-9


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_enough_counts_are_exact_below_enough(seed):
    """Counting up to `enough` gives exact counts below it and at least `enough` above."""
    apprentices, mentors = make_round(120, 700, seed=seed)  # more mentor weeks than one pass
    rules = MatchRules(min_overlap_minutes=60)
    enc = encode(apprentices, mentors, rules, scores=False)
    exact = feasible_counts(enc, rules)
    for enough in (1, 3, 10):
        capped = feasible_counts(enc, rules, enough=enough)
        below = exact < enough
        assert (capped[below] == exact[below]).all()
        assert (capped[~below] >= enough).all()
