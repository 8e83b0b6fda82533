"""Stated preferences: apprentices' ranked mentors, mentors' preferred and not-fit marks.

How they count (the CLI contract):

* an apprentice prefers the mentors they ranked, in their order, to every mentor they did
  not rank, and among the rest the higher pair score;
* a mentor prefers `preferred` apprentices, then the higher pair score; a soft `not_fit`
  apprentice is the mentor's last choice (a hard one is never paired: see features);
* a pair's score gains `weights["stated"]` x (rank part + preferred part) / 2, the rank part
  being 1 for a first choice down to 0.2 for a fifth, the preferred part 1 when marked.

With nothing stated, scores, orders and blocking pairs are exactly the score-based ones.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from matcher.candidates import Edges
from matcher.constraints import pairs_allowed
from matcher.features import Encoded
from matcher.profiles import (
    DEFAULT_STATED_WEIGHT,
    MAX_RANKED,
    STATED,
    Apprentice,
    MatchRules,
    Mentor,
)
from matcher.scoring import pair_components

logger = logging.getLogger(__name__)

PREFERRED, NEUTRAL, SOFT_NO = 1, 0, -1
RANKED_ABOVE = 2.0  # any ranked mentor's value is above every score (scores are in [0, 1])


@dataclass(frozen=True)
class Stated:
    """Every stated (apprentice row, mentor col) pair, sorted, with what was said about it.

    `rank` is the apprentice's rank of the mentor (0 = first choice, -1 = not ranked);
    `mark` is the mentor's PREFERRED, NEUTRAL or SOFT_NO; `ranked` is each apprentice's
    ranked mentor columns in order (-1 for ids not in the round).
    """

    rows: np.ndarray
    cols: np.ndarray
    rank: np.ndarray
    mark: np.ndarray
    ranked: np.ndarray
    width: int

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def keys(self) -> np.ndarray:
        """Row-major pair keys (row x width + col), sorted."""
        return self.rows * self.width + self.cols


def stated_weight(rules: MatchRules) -> float:
    """The weight of the stated-preference component."""
    return float(rules.weights.get(STATED, DEFAULT_STATED_WEIGHT))


def collect(
    enc: Encoded, apprentices: Sequence[Apprentice], mentors: Sequence[Mentor], rules: MatchRules
) -> Stated:
    """Stated pairs of a round (people in encoded order); unknown ids are ignored."""
    n, m = enc.shape
    a_index = {a: i for i, a in enumerate(enc.apprentice_ids)}
    m_index = {x: j for j, x in enumerate(enc.mentor_ids)}
    ranked = np.full((n, MAX_RANKED), -1, dtype=np.int64)
    said: dict[tuple[int, int], list[int]] = {}
    for i, a in enumerate(apprentices):
        for r, mentor_id in enumerate(a.ranked_mentors[:MAX_RANKED]):
            j = m_index.get(mentor_id, -1)
            ranked[i, r] = j
            if j >= 0:
                said.setdefault((i, j), [r, NEUTRAL])[0] = r
    soft = rules.not_fit == "soft"
    for j, mentor in enumerate(mentors):
        marks = [(x, PREFERRED) for x in mentor.preferred]
        marks += [(x, SOFT_NO) for x in mentor.not_fit] if soft else []
        for apprentice_id, mark in marks:
            if apprentice_id in a_index:
                said.setdefault((a_index[apprentice_id], j), [-1, NEUTRAL])[1] = mark
    keys = sorted(said)
    rows = np.array([k[0] for k in keys], dtype=np.int64)
    cols = np.array([k[1] for k in keys], dtype=np.int64)
    rank = np.array([said[k][0] for k in keys], dtype=np.int64)
    mark = np.array([said[k][1] for k in keys], dtype=np.int64)
    return Stated(rows, cols, rank, mark, ranked, max(m, 1))


def bonus(stated: Stated, weight: float) -> np.ndarray:
    """The stated component of each stated pair (before the score is capped at 1)."""
    rank_part = np.where(stated.rank >= 0, 1.0 - stated.rank / MAX_RANKED, 0.0)
    return weight * (rank_part + (stated.mark == PREFERRED)) / 2.0


def with_stated(enc: Encoded, edges: Edges, stated: Stated, rules: MatchRules) -> Edges:
    """The allowed pairs with stated pairs added (shortlisted or not) and their bonus."""
    if not len(stated):
        return edges
    allowed = pairs_allowed(enc, stated.rows, stated.cols, rules.min_overlap_minutes)
    parts = pair_components(enc, stated.rows, stated.cols, rules.schedule_target_minutes)
    base = np.clip(sum(parts.values()), 0.0, 1.0).astype(np.float32).astype(np.float64)
    width = stated.width
    keys, s_keys = edges.rows * width + edges.cols, stated.keys
    pos = np.minimum(np.searchsorted(keys, s_keys), max(len(keys) - 1, 0))
    present = (keys[pos] == s_keys) if len(keys) else np.zeros(len(s_keys), bool)
    base[present] = edges.scores[pos[present]]
    final = np.minimum(base + bonus(stated, stated_weight(rules)), 1.0)
    add = allowed & (final >= rules.min_score)
    scores = edges.scores.copy()
    scores[pos[present]] = final[present]
    new = add & ~present
    keys = np.concatenate([keys, s_keys[new]])
    scores = np.concatenate([scores, final[new]])
    order = np.argsort(keys, kind="stable")
    rows, cols = keys[order] // width, keys[order] % width
    feasible = edges.feasible if edges.exact else np.bincount(rows, minlength=enc.shape[0])
    best = edges.best.copy()
    np.maximum.at(best, rows, scores[order])
    return replace(edges, rows=rows, cols=cols, scores=scores[order], feasible=feasible, best=best)


def pair_bonus(stated: Stated, rows: np.ndarray, cols: np.ndarray, weight: float) -> np.ndarray:
    """The stated bonus of each given (row, col) pair (0 where nothing was stated)."""
    out = np.zeros(len(rows))
    if not len(stated) or not len(rows):
        return out
    pos, hit = _find(stated.keys, rows * stated.width + cols)
    out[hit] = bonus(stated, weight)[pos[hit]]
    return out


def edge_values(edges: Edges, stated: Stated) -> tuple[np.ndarray, np.ndarray]:
    """Each allowed pair's value to its apprentice and to its mentor (higher = preferred)."""
    a_value, m_value = edges.scores.copy(), edges.scores.copy()
    if not len(stated):
        return a_value, m_value + RANKED_ABOVE
    pos, hit = _find(edges.rows * stated.width + edges.cols, stated.keys)
    rank, mark = stated.rank[hit], stated.mark[hit]
    where = pos[hit]
    a_value[where] = np.where(rank >= 0, RANKED_ABOVE + MAX_RANKED - rank, a_value[where])
    m_value += RANKED_ABOVE  # every value non-negative: the fast sort applies
    m_value[where] += RANKED_ABOVE * mark
    return a_value, m_value


def blocking_pairs(
    mentor_of: np.ndarray,
    held_scores: np.ndarray,
    capacity: np.ndarray,
    edges: Edges,
    values: tuple[np.ndarray, np.ndarray],
) -> int:
    """Allowed pairs whose apprentice and mentor would both rather be together (as stated)."""
    a_value, m_value = values
    n = len(mentor_of)
    if not len(edges):
        return 0
    rows = np.flatnonzero(mentor_of >= 0)
    width = _width(edges, mentor_of)
    pos, hit = _find(edges.rows * width + edges.cols, rows * width + mentor_of[rows])
    # A locked pair outside the allowed pairs is valued by its score on both sides.
    mine = np.full(n, -np.inf)
    mine[rows] = np.where(hit, a_value[pos], held_scores[rows])
    held = np.where(hit, m_value[pos], held_scores[rows] + RANKED_ABOVE)
    worst = np.full(len(capacity), np.inf)
    np.minimum.at(worst, mentor_of[rows], held)
    load = np.bincount(mentor_of[rows], minlength=len(capacity))
    bar = np.where(load < capacity, -np.inf, worst)
    blocks = (
        (edges.cols != mentor_of[edges.rows])
        & (a_value > mine[edges.rows] + 1e-9)
        & (m_value > bar[edges.cols] + 1e-9)
    )
    return int(blocks.sum())


def choice_counts(mentor_of: np.ndarray, stated: Stated, k: int) -> dict[str, int]:
    """How many apprentices ranked mentors, got their first choice, and got one of their top k."""
    ranked = stated.ranked
    has_rank = (ranked >= 0).any(axis=1)
    got = (ranked == mentor_of[:, None]) & (mentor_of[:, None] >= 0)
    return {
        "ranked": int(has_rank.sum()),
        "first_choice": int(got[:, 0].sum()) if ranked.shape[1] else 0,
        "top_k": int(got[:, : max(k, 1)].any(axis=1).sum()),
        "k": max(k, 1),
    }


def _width(edges: Edges, mentor_of: np.ndarray) -> int:
    top = max(int(edges.cols.max(initial=-1)), int(mentor_of.max(initial=-1)))
    return top + 1


def _find(sorted_keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of each wanted key in sorted_keys and whether it is there."""
    if not len(sorted_keys):
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, wanted), len(sorted_keys) - 1)
    return pos, sorted_keys[pos] == wanted
