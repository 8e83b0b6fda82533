"""The feasible graph as an edge list: every allowed pair, or the best candidates at scale."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from matcher.constraints import feasible_block, overlap_block
from matcher.features import Encoded
from matcher.profiles import MatchRules
from matcher.scoring import score_block

logger = logging.getLogger(__name__)

BLOCK_CELLS = 4_000_000  # apprentice x mentor cells scored at once; bounds peak memory


@dataclass(frozen=True)
class Edges:
    """Allowed pairs (rows = apprentices, cols = mentors) with their scores.

    `feasible` counts each apprentice's mentors that pass the hard rules (before min_score)
    and `best` is their best score among them (-1 when none); `exact` is False when only the
    best candidates were kept.
    """

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray
    feasible: np.ndarray
    best: np.ndarray
    exact: bool = True

    def __len__(self) -> int:
        return len(self.rows)


def row_blocks(n_rows: int, n_cols: int) -> Iterator[np.ndarray]:
    """Apprentice index blocks small enough to score against every mentor at once."""
    step = max(1, BLOCK_CELLS // max(n_cols, 1))
    for start in range(0, n_rows, step):
        yield np.arange(start, min(start + step, n_rows))


def scored_blocks(enc: Encoded, rules: MatchRules) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (rows, scores) blocks with forbidden pairs set to -1."""
    for rows in row_blocks(*enc.shape):
        overlap = overlap_block(enc, rows)
        scores = score_block(enc, rows, overlap, rules.schedule_target_minutes)
        scores[~feasible_block(enc, rows, overlap, rules.min_overlap_minutes)] = -1.0
        yield rows, scores


def feasible_counts(enc: Encoded, rules: MatchRules) -> np.ndarray:
    """How many mentors pass every hard rule, per apprentice (nothing else is kept)."""
    counts = np.zeros(enc.shape[0], dtype=np.int64)
    for rows in row_blocks(*enc.shape):
        overlap = overlap_block(enc, rows)
        counts[rows] = feasible_block(enc, rows, overlap, rules.min_overlap_minutes).sum(axis=1)
    return counts


def all_feasible(
    enc: Encoded, rules: MatchRules, tick: Callable[[float], None] | None = None
) -> Edges:
    """Every pair that passes the hard rules and min_score."""
    parts, feasible = [], np.zeros(enc.shape[0], dtype=np.int64)
    best = np.full(enc.shape[0], -1.0)
    for rows, scores in scored_blocks(enc, rules):
        feasible[rows] = (scores >= 0).sum(axis=1)
        best[rows] = scores.max(axis=1, initial=-1.0)
        r, c = np.nonzero(scores >= max(rules.min_score, 0.0))
        parts.append((rows[r], c, scores[r, c].astype(np.float64)))
        if tick:
            tick(rows[-1] / max(enc.shape[0], 1))
    return _edges(parts, feasible, best, exact=True)


def _edges(parts, feasible, best, exact: bool) -> Edges:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Edges(empty, empty, np.zeros(0), feasible, best, exact)
    # Blocks come in apprentice order and np.nonzero is row-major: already sorted.
    rows, cols, scores = (np.concatenate(x) for x in zip(*parts, strict=True))
    return Edges(rows, cols, scores, feasible, best, exact)
