"""Simple matchings to compare against: greedy best-pair-first and deferred acceptance.

Both run in vectorized rounds over the edge list rather than one pair at a time.
"""

from __future__ import annotations

import bisect
import logging

import numpy as np

logger = logging.getLogger(__name__)

GREEDY_BATCH = 65_536
GREEDY_MIN_BATCH = 2_048
GREEDY_EDGES_PER_PLACE = 4
DA_SEQUENTIAL_BELOW = 32  # free apprentices under which proposals go one at a time


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of an already grouped array."""
    size = len(groups)
    if size == 0:
        return groups
    index = np.arange(size)
    starts = np.empty(size, dtype=bool)
    starts[0] = True
    np.not_equal(groups[1:], groups[:-1], out=starts[1:])
    return index - np.maximum.accumulate(np.where(starts, index, 0))


def priority_order(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Edge positions best first: by score, then apprentice, then mentor index."""
    step = np.diff(rows)
    in_order = np.all((step > 0) | ((step == 0) & (np.diff(cols) > 0)))
    if in_order:  # edge lists come sorted by (apprentice, mentor): one stable sort suffices
        return descending_stable(scores)
    return np.lexsort((cols, rows, -scores))


def descending_stable(scores: np.ndarray) -> np.ndarray:
    """`np.argsort(-scores, kind="stable")`, by two 16-bit radix passes when it can.

    Scores that are non-negative float32 values (as every score is) order exactly like their
    IEEE bit patterns read as unsigned integers, and stable radix sorts of 16-bit keys are
    several times faster than a stable sort of floats.
    """
    narrow = scores.astype(np.float32)
    if len(scores) < 1024 or not (np.array_equal(narrow, scores) and (narrow >= 0).all()):
        return np.argsort(-scores, kind="stable")
    key = ~(narrow + np.float32(0.0)).view(np.uint32)  # + 0.0 turns -0.0 into 0.0
    first = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
    second = np.argsort((key >> 16).astype(np.uint16)[first], kind="stable")
    return first[second]


def _by_mentor(batch: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """`batch` stably regrouped by mentor (a 16-bit radix sort when indices fit)."""
    keys = cols[batch]
    if len(keys) and keys.max() < 2**16:
        keys = keys.astype(np.uint16)
    return batch[np.argsort(keys, kind="stable")]


def greedy(n: int, capacity: np.ndarray, rows, cols, scores, order=None) -> np.ndarray:
    """Best pair first while both sides have room (ties: lower indices first).

    Greedy's choices among the best B edges depend only on those edges, so edges are taken
    in batches in priority order; within a batch, rounds take every edge that is its
    apprentice's best and among its mentor's `room` best (sequential greedy would too).
    Batches are sized to the places still open (a few candidate edges per possible match)
    and grow as they go, since edges far down the order seldom match.
    """
    mentor_of = np.full(n, -1, dtype=np.int64)
    room = np.maximum(capacity.astype(np.int64), 0)
    priority = priority_order(rows, cols, scores) if order is None else order
    start, smallest = 0, GREEDY_MIN_BATCH
    while start < len(priority):
        open_places = min(int((mentor_of < 0).sum()), int(room.sum()))
        if open_places == 0:
            break
        size = min(GREEDY_BATCH, max(smallest, GREEDY_EDGES_PER_PLACE * open_places))
        smallest *= 2  # later edges rarely match: take them in growing batches
        batch = priority[start : start + size]
        start += size
        batch = batch[(mentor_of[rows[batch]] < 0) & (room[cols[batch]] > 0)]
        _greedy_rounds(batch, rows, cols, mentor_of, room)
    return mentor_of


def _greedy_rounds(batch, rows, cols, mentor_of, room) -> None:
    first = np.full(len(mentor_of), -1, dtype=np.int64)
    grouped = _by_mentor(batch, cols)  # by mentor, best first
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


def deferred_acceptance(
    n: int, capacity: np.ndarray, rows, cols, scores, order=None, mentor_order=None
) -> np.ndarray:
    """Apprentice-proposing deferred acceptance; both sides rank pairs by score.

    `order` (best first) ranks each apprentice's pairs; `mentor_order`, when given, ranks
    mentors' offers instead of `order` (stated preferences differ on the two sides).
    All free apprentices propose at once each round; a mentor keeps the best `capacity`
    offers so far (ties: lower apprentice index). The outcome is the same stable matching
    as one-at-a-time proposing, so once few apprentices are still free (a long tail of
    short rounds) they propose one at a time instead.
    """
    order = priority_order(rows, cols, scores) if order is None else order
    by_row = rows[order]
    if n < 2**16 and len(by_row):
        by_row = by_row.astype(np.uint16)  # a stable radix sort; same order
    # lists[p] is an edge, grouped by apprentice and best first within each apprentice;
    # list_rank[p] is its position in `order` (argsort of a permutation's positions).
    list_rank = np.argsort(by_row, kind="stable")
    lists = order[list_rank]
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n)[:n], out=starts[1:])
    list_cols = cols[lists]
    if mentor_order is not None:  # mentors compare offers by their own ranking
        mentor_rank = np.empty(len(mentor_order), dtype=np.int64)
        mentor_rank[mentor_order] = np.arange(len(mentor_order))
        list_rank = mentor_rank[lists]
    nxt = starts[:-1].copy()
    cap = np.maximum(capacity.astype(np.int64), 0)
    held = np.zeros(0, dtype=np.int64)  # list positions of the offers mentors hold
    held_cols = np.zeros(0, dtype=np.int64)
    free = np.flatnonzero(nxt < starts[1:])
    width = len(order) + 1
    touched = np.zeros(len(cap), dtype=bool)
    while len(free) >= DA_SEQUENTIAL_BELOW:
        offers = nxt[free]
        nxt[free] = offers + 1
        offer_cols = list_cols[offers]
        touched[offer_cols] = True
        busy = touched[held_cols]
        touched[offer_cols] = False
        pool = np.concatenate([held[busy], offers])  # only mentors with new offers re-rank
        pool_cols = np.concatenate([held_cols[busy], offer_cols])
        sort = np.argsort(pool_cols * width + list_rank[pool])
        pool, pool_cols = pool[sort], pool_cols[sort]
        kept = _rank_within(pool_cols) < cap[pool_cols]
        idle = ~busy
        held = np.concatenate([held[idle], pool[kept]])
        held_cols = np.concatenate([held_cols[idle], pool_cols[kept]])
        refused = rows[lists[pool[~kept]]]
        free = refused[nxt[refused] < starts[refused + 1]]
    if len(free):
        held = _propose_one_by_one(free, held, nxt, starts, list_cols, list_rank, lists, rows, cap)
    mentor_of = np.full(n, -1, dtype=np.int64)
    mentor_of[rows[lists[held]]] = list_cols[held]
    return mentor_of


def _propose_one_by_one(free, held, nxt, starts, list_cols, list_rank, lists, rows, cap):
    """Finish deferred acceptance with one proposal at a time (same stable matching)."""
    holding: dict[int, list[tuple[int, int]]] = {}
    for pos, j, r in zip(
        held.tolist(), list_cols[held].tolist(), list_rank[held].tolist(), strict=True
    ):
        holding.setdefault(j, []).append((r, pos))
    for offers in holding.values():
        offers.sort()
    waiting = free.tolist()
    while waiting:
        i = waiting.pop()
        pos, end = int(nxt[i]), int(starts[i + 1])
        while pos < end:
            j, r = int(list_cols[pos]), int(list_rank[pos])
            room = int(cap[j])
            offers = holding.setdefault(j, [])
            pos += 1
            if len(offers) < room:
                bisect.insort(offers, (r, pos - 1))
                break
            if room and r < offers[-1][0]:
                bisect.insort(offers, (r, pos - 1))
                _, dropped = offers.pop()
                waiting.append(int(rows[lists[dropped]]))
                break
        nxt[i] = pos
    return np.array([p for offers in holding.values() for _, p in offers], dtype=np.int64)
