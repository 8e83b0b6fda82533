"""Simple matchings to compare against: greedy best-pair-first and deferred acceptance.

Both run in vectorized rounds over the edge list rather than one pair at a time.
"""

from __future__ import annotations

import logging

import numpy as np

logger = logging.getLogger(__name__)

GREEDY_BATCH = 65_536


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of an already grouped array."""
    if len(groups) == 0:
        return groups
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[starts, len(groups)])
    return np.arange(len(groups)) - np.repeat(starts, sizes)


def priority_order(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Edge positions best first: by score, then apprentice, then mentor index."""
    in_order = np.all((np.diff(rows) > 0) | ((np.diff(rows) == 0) & (np.diff(cols) > 0)))
    if in_order:  # edge lists come sorted by (apprentice, mentor): one stable sort suffices
        return np.argsort(-scores, kind="stable")
    return np.lexsort((cols, rows, -scores))


def greedy(n: int, capacity: np.ndarray, rows, cols, scores, order=None) -> np.ndarray:
    """Best pair first while both sides have room (ties: lower indices first).

    Greedy's choices among the best B edges depend only on those edges, so edges are taken
    in batches in priority order; within a batch, rounds take every edge that is its
    apprentice's best and among its mentor's `room` best (sequential greedy would too).
    """
    mentor_of = np.full(n, -1, dtype=np.int64)
    room = np.maximum(capacity.astype(np.int64), 0)
    priority = priority_order(rows, cols, scores) if order is None else order
    for start in range(0, len(priority), GREEDY_BATCH):
        batch = priority[start : start + GREEDY_BATCH]
        batch = batch[(mentor_of[rows[batch]] < 0) & (room[cols[batch]] > 0)]
        _greedy_rounds(batch, rows, cols, mentor_of, room)
        if not (mentor_of < 0).any() or not room.any():
            break
    return mentor_of


def _greedy_rounds(batch, rows, cols, mentor_of, room) -> None:
    first = np.full(len(mentor_of), -1, dtype=np.int64)
    grouped = batch[np.argsort(cols[batch], kind="stable")]  # by mentor, best first
    while len(batch):
        first[rows[batch[::-1]]] = batch[::-1]  # reversed: the best edge is written last
        top = grouped[_rank_within(cols[grouped]) < room[cols[grouped]]]
        take = top[first[rows[top]] == top]
        if not len(take):
            return
        mentor_of[rows[take]] = cols[take]
        room -= np.bincount(cols[take], minlength=len(room))
        batch = batch[(mentor_of[rows[batch]] < 0) & (room[cols[batch]] > 0)]
        grouped = grouped[(mentor_of[rows[grouped]] < 0) & (room[cols[grouped]] > 0)]


def deferred_acceptance(n: int, capacity: np.ndarray, rows, cols, scores, order=None) -> np.ndarray:
    """Apprentice-proposing deferred acceptance; both sides rank pairs by score.

    All free apprentices propose at once each round; a mentor keeps the best `capacity`
    offers so far (ties: lower apprentice index). The outcome is the same stable matching
    as one-at-a-time proposing.
    """
    order = priority_order(rows, cols, scores) if order is None else order
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    lists = order[np.argsort(rows[order], kind="stable")]  # each apprentice's list, best first
    starts = np.searchsorted(rows[lists], np.arange(n + 1))
    nxt = starts[:-1].copy()
    cap = np.maximum(capacity.astype(np.int64), 0)
    held = np.zeros(0, dtype=np.int64)  # edges currently held by mentors
    free = np.flatnonzero(nxt < starts[1:])
    width = len(order) + 1
    while len(free):
        offers = lists[nxt[free]]
        nxt[free] += 1
        touched = np.zeros(len(cap), dtype=bool)
        touched[cols[offers]] = True
        busy = touched[cols[held]]
        pool = np.concatenate([held[busy], offers])  # only mentors with new offers re-rank
        pool = pool[np.argsort(cols[pool] * width + rank[pool])]
        kept = _rank_within(cols[pool]) < cap[cols[pool]]
        held = np.concatenate([held[~busy], pool[kept]])
        refused = rows[pool[~kept]]
        free = refused[nxt[refused] < starts[refused + 1]]
    mentor_of = np.full(n, -1, dtype=np.int64)
    mentor_of[rows[held]] = cols[held]
    return mentor_of
