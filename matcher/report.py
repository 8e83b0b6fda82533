"""The quality report: counts, scores, fairness, load and stability, with baselines."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from itertools import compress

import numpy as np

from matcher.baselines import deferred_acceptance, greedy, priority_order
from matcher.candidates import Edges
from matcher.preferences import blocking_pairs as stated_blocking_pairs
from matcher.profiles import Apprentice

logger = logging.getLogger(__name__)

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def figures(
    mentor_of: np.ndarray,
    scores: np.ndarray,
    capacity: np.ndarray,
    edges: Edges,
    partners: Sequence[str],
    values: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, object]:
    """Counts, score distribution, match rate per partner, mentor load, blocking pairs.

    `values` (each allowed pair's value to apprentice and mentor) makes blocking pairs count
    by stated preferences; without them both sides rank pairs by score.
    """
    matched = mentor_of >= 0
    got = scores[matched]
    if values is None:
        blocking = blocking_pairs(mentor_of, scores, capacity, edges)
    else:
        blocking = stated_blocking_pairs(mentor_of, scores, capacity, edges, values)
    return {
        "apprentices": int(len(mentor_of)),
        "matched": int(matched.sum()),
        "unmatched": int((~matched).sum()),
        "match_rate": _ratio(matched.sum(), len(mentor_of)),
        "total_score": round(float(got.sum()), 6),
        "scores": score_distribution(got),
        "match_rate_by_partner": _by_partner(matched, partners),
        "mentor_load": mentor_load(mentor_of, capacity),
        "blocking_pairs": blocking,
    }


def _ratio(part, whole) -> float:
    return round(float(part) / whole, 6) if whole else 0.0


def score_distribution(scores: np.ndarray) -> dict[str, object]:
    """Mean, min, max, quantiles and a 10-bin histogram of pair scores."""
    if len(scores) == 0:
        return {"count": 0}
    hist, _ = np.histogram(scores, bins=10, range=(0.0, 1.0))
    return {
        "count": int(len(scores)),
        "mean": round(float(scores.mean()), 6),
        "min": round(float(scores.min()), 6),
        "max": round(float(scores.max()), 6),
        "quantiles": {
            f"p{int(q * 100)}": round(float(v), 6)
            for q, v in zip(QUANTILES, np.quantile(scores, QUANTILES), strict=True)
        },
        "histogram": [int(h) for h in hist],
    }


def _by_partner(matched: np.ndarray, partners: Sequence[str]) -> dict[str, object]:
    if len(partners) != len(matched):
        raise ValueError("one partner per apprentice")
    totals, hits = Counter(partners), Counter(compress(partners, matched.tolist()))
    return {
        p or "(none)": {
            "apprentices": totals[p],
            "matched": hits[p],
            "rate": _ratio(hits[p], totals[p]),
        }
        for p in sorted(totals)
    }


def mentor_load(mentor_of: np.ndarray, capacity: np.ndarray) -> dict[str, object]:
    """How mentors' places were used: how many mentors got 0, 1, 2, ... apprentices."""
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=len(capacity))
    return {
        "mentors": int(len(capacity)),
        "places": int(capacity.sum()),
        "places_used": int(load.sum()),
        "mentors_used": int((load > 0).sum()),
        "mentors_full": int(((load >= capacity) & (capacity > 0)).sum()),
        "apprentices_per_mentor": {str(k): int(v) for k, v in enumerate(np.bincount(load))},
    }


def blocking_pairs(
    mentor_of: np.ndarray, scores: np.ndarray, capacity: np.ndarray, edges: Edges
) -> int:
    """Allowed pairs whose apprentice and mentor would both rather be together."""
    mine = np.where(mentor_of >= 0, scores, -np.inf)
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=len(capacity))
    worst = np.full(len(capacity), np.inf)
    np.minimum.at(worst, mentor_of[mentor_of >= 0], scores[mentor_of >= 0])
    bar = np.where(load < capacity, -np.inf, worst)
    blocks = (
        (edges.cols != mentor_of[edges.rows])
        & (edges.scores > mine[edges.rows] + 1e-9)
        & (edges.scores > bar[edges.cols] + 1e-9)
    )
    return int(blocks.sum())


def baseline_figures(
    capacity: np.ndarray,
    edges: Edges,
    partners: Sequence[str],
    locked_of: np.ndarray,
    locked_scores: np.ndarray,
    values: tuple[np.ndarray, np.ndarray] | None = None,
    assignments: dict[str, np.ndarray] | None = None,
) -> dict[str, object]:
    """The same figures for greedy and deferred acceptance on the same allowed pairs.

    Each baseline's assignment is also put in `assignments` when one is given.
    """
    n, free = len(partners), locked_of < 0
    taken = np.bincount(locked_of[~free], minlength=len(capacity))
    keep = free[edges.rows]
    args = (
        n,
        np.maximum(capacity - taken, 0),
        edges.rows[keep],
        edges.cols[keep],
        edges.scores[keep],
    )
    order = priority_order(*args[2:])  # both baselines rank pairs the same way
    out = {}
    for name, run in (("greedy", greedy), ("deferred_acceptance", deferred_acceptance)):
        mentor_of = np.where(free, run(*args, order=order), locked_of)
        scores = np.where(free, edge_scores(mentor_of, edges), locked_scores)
        out[name] = figures(mentor_of, scores, capacity, edges, partners, values)
        if assignments is not None:
            assignments[name] = mentor_of
    return out


def edge_scores(mentor_of: np.ndarray, edges: Edges) -> np.ndarray:
    """Score of each apprentice's assigned pair looked up in the (row-sorted) edge list."""
    scores = np.zeros(len(mentor_of))
    if len(edges) == 0:
        return scores
    width = int(edges.cols.max()) + 1
    rows = np.flatnonzero((mentor_of >= 0) & (mentor_of < width))
    key = edges.rows * width + edges.cols
    pos = np.minimum(np.searchsorted(key, rows * width + mentor_of[rows]), len(key) - 1)
    hit = key[pos] == rows * width + mentor_of[rows]
    scores[rows[hit]] = edges.scores[pos[hit]]
    return scores


def quality_report(
    apprentices: Sequence[Apprentice],
    mentor_of: np.ndarray,
    scores: np.ndarray,
    capacity: np.ndarray,
    edges: Edges,
    locked: np.ndarray,
    solve: dict[str, object],
    values: tuple[np.ndarray, np.ndarray] | None = None,
    assignments: dict[str, np.ndarray] | None = None,
) -> dict[str, object]:
    """The whole JSON-serialisable report for a round."""
    partners = [a.partner for a in apprentices]
    optimal = figures(mentor_of, scores, capacity, edges, partners, values)
    locked_of = np.where(locked, mentor_of, -1)
    baselines = baseline_figures(capacity, edges, partners, locked_of, scores, values, assignments)
    return {
        **optimal,
        "solve": solve,
        "baselines": baselines,
        "compared_with_baselines": _comparison(optimal, baselines),
    }


def _comparison(optimal, baselines) -> dict[str, object]:
    return {
        name: {
            "extra_matches": optimal["matched"] - fig["matched"],
            "extra_total_score": round(optimal["total_score"] - fig["total_score"], 6),
            "blocking_pairs": fig["blocking_pairs"],
        }
        for name, fig in baselines.items()
    }
