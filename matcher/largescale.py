"""Candidate pairs for rounds too large to score every apprentice against every mentor.

Design (chosen by measurement, see bench/matcher_bench.py):

* Pairs need `min_overlap_minutes` of shared weekly time, so mentors are bucketed by when
  their availability windows start; each bucket is scored only against the apprentices who
  overlap that bucket's time span enough. Scores in a block are exact (full weekly overlap,
  every hard rule), the blocks just skip pairs that cannot meet. Pairs that reach the
  minimum only by adding up short overlaps across buckets can be missed.
* Naive top-k lists crowd onto popular mentors, so candidates are the union of each
  apprentice's best `candidates_per_apprentice` mentors and each mentor's best
  `candidates_per_slot x capacity` apprentices: every place keeps enough contenders.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from matcher.candidates import BLOCK_CELLS, Edges
from matcher.constraints import feasible_block, overlap_block
from matcher.features import COMPATIBLE, Encoded
from matcher.profiles import MatchRules
from matcher.scoring import score_block

logger = logging.getLogger(__name__)

MAX_BUCKETS = 400
WORKERS = 2


def mentor_windows(enc: Encoded) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mentor, start minute, end minute) of every contiguous availability window."""
    covered = enc.m_week > 0
    padded = np.pad(covered, ((0, 0), (1, 1)))
    step = np.diff(padded.astype(np.int8), axis=1)
    who, first = np.nonzero(step == 1)
    _, after = np.nonzero(step == -1)  # row-major order keeps windows aligned
    return who, enc.week_bounds[first], enc.week_bounds[after]


def buckets(enc: Encoded, min_overlap: int) -> list[tuple[np.ndarray, np.ndarray, Earlier]]:
    """(apprentices, mentors, earlier) groups covering every pair that shares a long enough window.

    Mentors are grouped by their windows' (start, end), coarsened until there are at most
    MAX_BUCKETS groups; a group meets the apprentices who overlap its span long enough.
    Each group is split by the mentors' meeting mode, with only the apprentices that mode
    suits. A mentor with several windows can sit in several groups: `earlier` tells which
    of the group's pairs an earlier group already holds, so each pair is scored once.
    """
    who, start, end = mentor_windows(enc)
    grain = 1
    while True:
        key = (start // grain) * (8 * 24 * 60) + (end + grain - 1) // grain
        keys, group = np.unique(key, return_inverse=True)
        if len(keys) <= MAX_BUCKETS:
            break
        grain *= 2
    spans = np.stack([np.full(len(keys), np.inf), np.zeros(len(keys))], axis=1)
    np.minimum.at(spans[:, 0], group, start)
    np.maximum.at(spans[:, 1], group, end)
    reach = enc.a_week @ _span_indicator(enc.week_bounds, spans).T  # minutes in each span
    meets = reach >= max(min_overlap, 1)
    order = np.argsort(group, kind="stable")
    cuts = np.searchsorted(group[order], np.arange(len(keys) + 1))
    out, groups_of = [], [[] for _ in range(enc.shape[1])]
    for b in range(len(keys)):
        mentors = np.unique(who[order[cuts[b] : cuts[b + 1]]])
        apprentices = np.flatnonzero(meets[:, b])
        for mode in range(len(COMPATIBLE)):  # mode rules split a group: fewer cells to score
            some = mentors[enc.m_mode[mentors] == mode]
            fit = apprentices[COMPATIBLE[enc.a_mode[apprentices], mode]]
            if len(some) and len(fit):
                out.append((fit, some, Earlier(meets, some, groups_of)))
        for j in mentors.tolist():
            groups_of[j].append(b)
    return out


class Earlier:
    """Which pairs of a group earlier groups (sharing some of its mentors) already hold."""

    def __init__(self, meets: np.ndarray, mentors: np.ndarray, groups_of: list[list[int]]):
        self.meets, self.width = meets, len(mentors)
        # Pass t pairs each mentor with its t-th earlier group (a mentor has a few windows).
        self.passes = []
        for t in range(max((len(groups_of[j]) for j in mentors.tolist()), default=0)):
            cols = [k for k, j in enumerate(mentors.tolist()) if len(groups_of[j]) > t]
            groups = [groups_of[j][t] for j in mentors[cols].tolist()]
            self.passes.append((np.array(cols, dtype=np.int64), np.array(groups, dtype=np.int64)))

    def held(self, rows: np.ndarray) -> np.ndarray | None:
        """(rows x the group's mentors) True where an earlier group holds the pair."""
        if not self.passes:
            return None
        meets = self.meets[rows]
        out = np.zeros((len(rows), self.width), dtype=bool)
        for cols, groups in self.passes:
            out[:, cols] |= meets[:, groups]
        return out


def _span_indicator(bounds: np.ndarray, spans: np.ndarray) -> np.ndarray:
    lo, hi = bounds[:-1], bounds[1:]
    return ((lo[None, :] >= spans[:, :1]) & (hi[None, :] <= spans[:, 1:])).astype(np.float32)


def candidate_edges(enc: Encoded, rules: MatchRules) -> Edges:
    """Best candidates per apprentice and per mentor place, with exact scores."""
    if rules.min_overlap_minutes <= 0:
        raise ValueError("the candidate path needs min_overlap_minutes > 0")
    n, m = enc.shape
    k_row = rules.candidates_per_apprentice
    k_col = max(rules.candidates_per_slot * int(enc.capacity.max(initial=1)), 1)
    by_apprentice, by_mentor = RunningTop(n, k_row), RunningTop(m, k_col)
    blocks = [
        (apprentices[start : start + step], mentors, earlier)
        for apprentices, mentors, earlier in buckets(enc, rules.min_overlap_minutes)
        for step in [max(1, BLOCK_CELLS // len(mentors))]
        for start in range(0, len(apprentices), step)
    ]
    # Blocks are independent and NumPy releases the GIL: two threads use both cores.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        tops = pool.map(lambda b: _block_tops(enc, *b, rules, k_row, k_col), blocks)
        for rows, mentors, row_top, col_top in tops:
            by_apprentice.merge(rows, mentors[row_top[0]], row_top[1])
            by_mentor.merge(mentors, rows[col_top[0]], col_top[1])
    return _merge(enc, by_apprentice, by_mentor, rules.candidates_per_slot)


def _block_tops(enc, rows, mentors, earlier: Earlier, rules, k_row: int, k_col: int):
    """A block's best k_row mentors per apprentice and best k_col apprentices per mentor."""
    overlap = overlap_block(enc, rows, mentors)
    scores = score_block(enc, rows, overlap, rules.schedule_target_minutes, mentors)
    ok = feasible_block(enc, rows, overlap, rules.min_overlap_minutes, mentors)
    ok &= scores >= rules.min_score
    held = earlier.held(rows)
    if held is not None:  # scored in an earlier group: one copy per pair
        ok &= ~held
    scores[~ok] = -1.0
    return rows, mentors, _best_in_rows(scores, k_row), _best_in_rows(scores.T.copy(), k_col)


def _best_in_rows(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column positions and scores of each row's best k entries (unordered)."""
    if block.shape[1] <= k:
        idx = np.broadcast_to(np.arange(block.shape[1]), block.shape)
    else:
        idx = np.argpartition(np.negative(block), k - 1, axis=1)[:, :k]
    return idx, np.take_along_axis(block, idx, axis=1)


class RunningTop:
    """Each owner's best k (other, score) pairs seen so far, without duplicates."""

    def __init__(self, owners: int, k: int):
        self.k = k
        self.scores = np.full((owners, k), -1.0, dtype=np.float32)
        self.others = np.full((owners, k), -1, dtype=np.int32)

    def merge(self, owners: np.ndarray, others: np.ndarray, scores: np.ndarray) -> None:
        """Merge new (owners x j) candidates into the running lists (pairs seen once)."""
        scores = np.hstack([self.scores[owners], scores])
        ids = np.hstack([self.others[owners], others])
        keep = np.argpartition(-scores, self.k - 1, axis=1)[:, : self.k]
        self.scores[owners] = np.take_along_axis(scores, keep, axis=1)
        self.others[owners] = np.take_along_axis(ids, keep, axis=1)

    def pairs(self, limit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(owner, other) of each owner's best `limit[owner]` valid entries."""
        order = np.argsort(-self.scores, axis=1, kind="stable")
        ranked = np.take_along_axis(self.scores, order, axis=1)
        ok = (ranked >= 0) & (np.arange(self.k)[None, :] < limit[:, None])
        owner, slot = np.nonzero(ok)
        return owner, self.others[owner, order[owner, slot]].astype(np.int64)


def _merge(enc: Encoded, by_apprentice: RunningTop, by_mentor: RunningTop, per_slot: int) -> Edges:
    n, m = enc.shape
    rows_a, cols_a = by_apprentice.pairs(np.full(n, by_apprentice.k))
    cols_m, rows_m = by_mentor.pairs(per_slot * enc.capacity)
    key = np.unique(np.concatenate([rows_a * m + cols_a, rows_m * m + cols_m]))
    rows, cols = key // m, key % m
    scores = _exact_scores(enc, rows, cols, by_apprentice, by_mentor)
    feasible = np.bincount(rows, minlength=n)  # a lower bound: candidates only
    best = np.full(n, -1.0)
    np.maximum.at(best, rows, scores)
    logger.info("kept %d candidate pairs for %d apprentices", len(rows), n)
    return Edges(rows, cols, scores, feasible, best, exact=False)


def _exact_scores(enc, rows, cols, by_apprentice, by_mentor) -> np.ndarray:
    """Look each kept pair's block score back up from whichever list holds it."""
    m = enc.shape[1]
    keys, values = [], []
    for top, flip in ((by_apprentice, False), (by_mentor, True)):
        owner, slot = np.nonzero(top.scores >= 0)
        other = top.others[owner, slot].astype(np.int64)
        keys.append(other * m + owner if flip else owner * m + other)
        values.append(top.scores[owner, slot])
    keys, values = np.concatenate(keys), np.concatenate(values)
    first = np.unique(keys, return_index=True)[1]
    keys, values = keys[first], values[first]
    return values[np.searchsorted(keys, rows * m + cols)].astype(np.float64)
