"""The feasible graph as an edge list: every allowed pair, or the best candidates at scale."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from matcher.constraints import feasible_block, overlap_block, pair_positions, rule_factors
from matcher.features import Encoded
from matcher.profiles import MatchRules
from matcher.scoring import score_block

logger = logging.getLogger(__name__)

BLOCK_CELLS = 4_000_000  # apprentice x mentor cells scored at once; bounds peak memory
CHUNK_CELLS = 262_144  # cells per chunk of a block in all_feasible (1 MB float32 scratch)


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


def all_feasible(
    enc: Encoded, rules: MatchRules, tick: Callable[[float], None] | None = None
) -> Edges:
    """Every pair that passes the hard rules and min_score.

    The same scores as `scored_blocks`. The weighted components are one matrix product per
    block, exactly as in `score_block` (BLAS may round a product of another shape
    differently); the weekly overlap and the person rules come from one product per chunk
    of rows (whole numbers, so exact: see `_RulesAndOverlap`), and the element-wise steps
    run on those chunks in reused scratch memory rather than on fresh block-sized
    temporaries (fresh large arrays cost a page fault per 4 kB).
    """
    n, m = enc.shape
    parts, feasible = [], np.zeros(n, dtype=np.int64)
    best = np.full(n, -1.0)
    rules_and_overlap, every_mentor = _RulesAndOverlap(enc), np.arange(m)
    m_linear_t = enc.m_linear.T
    height = max(1, CHUNK_CELLS // max(m, 1))
    overlap_buf, scratch_buf = (np.empty((height, m), dtype=np.float32) for _ in range(2))
    ok_buf, flag_buf = (np.empty((height, m), dtype=bool) for _ in range(2))
    target, weight = rules.schedule_target_minutes, enc.weights["schedule"]
    score_buf = None
    for block in row_blocks(n, m):
        if score_buf is None or score_buf.shape[0] < len(block):
            score_buf = np.empty((len(block), m), dtype=np.float32)
        # The weighted components, as in score_block; the schedule part is added below.
        block_scores = np.matmul(enc.a_linear[block], m_linear_t, out=score_buf[: len(block)])
        for lo in range(0, len(block), height):
            rows = block[lo : lo + height]
            k = len(rows)
            ok, overlap = rules_and_overlap.chunk(
                rows, ok_buf[:k], overlap_buf[:k], scratch_buf[:k]
            )
            ok &= np.greater_equal(overlap, rules.min_overlap_minutes, out=flag_buf[:k])
            for pairs in (enc.excluded, enc.rejected, enc.not_fit):
                row_pos, col_pos = pair_positions(pairs, rows, every_mentor)
                ok[row_pos, col_pos] = False
            masked = block_scores[lo : lo + k]
            part = np.minimum(overlap, np.float32(target), out=overlap)  # schedule_fraction
            part /= np.float32(max(target, 1))
            part *= np.float32(weight)
            masked += part
            np.clip(masked, 0.0, 1.0, out=masked)
            np.copyto(masked, np.float32(-1.0), where=np.logical_not(ok, out=flag_buf[:k]))
            feasible[rows] = np.count_nonzero(ok, axis=1)
            best[rows] = masked.max(axis=1, initial=-1.0)
            keep = ok if rules.min_score <= 0 else masked >= rules.min_score
            flat = np.flatnonzero(keep)  # row-major, like np.nonzero
            r, c = np.divmod(flat, max(m, 1))
            parts.append((rows[r], c, masked.ravel()[flat].astype(np.float64)))
        if tick:
            tick(block[-1] / max(n, 1))
    return _edges(parts, feasible, best, exact=True)


class _RulesAndOverlap:
    """Weekly overlap and the person rules of apprentices x all mentors, in one product.

    Apprentice rows are `[a_meet | SHIFT * a_rules]`, mentor rows `[m_meet | m_rules]`
    (see `rule_factors`), so a pair's product is `overlap + SHIFT * r`, `r` being its rules
    value (at least 1 when the pair passes them). Every term and partial sum is a whole
    number below 2**24, hence exact in float32 whatever the order of summation, and
    0 <= overlap < SHIFT (a week has 10,080 minutes): a pair passes the rules exactly when
    its product is >= SHIFT, and then its overlap is the product minus SHIFT times
    floor(product / SHIFT). When rules values could be too large for that (hundreds of
    languages), the two products are computed apart.
    """

    SHIFT = np.float32(2**14)

    def __init__(self, enc: Encoded):
        a_rules, m_rules = rule_factors(enc, np.arange(enc.shape[0]))
        reach = float(np.abs(m_rules).sum(axis=1).max(initial=0.0))  # |r| <= reach
        self.joint = (reach + 1.0) * float(self.SHIFT) < 2.0**24
        if self.joint:
            self.a = np.hstack([enc.a_meet, a_rules * self.SHIFT])
            self.m_t = np.hstack([enc.m_meet, m_rules]).T
        else:
            self.a, self.m_t = enc.a_meet, enc.m_meet.T
            self.a_rules, self.m_rules_t = a_rules, m_rules.T

    def chunk(self, rows: np.ndarray, ok: np.ndarray, overlap: np.ndarray, scratch: np.ndarray):
        """(passes the person rules, weekly overlap) for apprentices `rows`, in the buffers."""
        if not self.joint:
            np.matmul(self.a[rows], self.m_t, out=overlap)
            values = np.matmul(self.a_rules[rows], self.m_rules_t, out=scratch)
            return np.greater_equal(values, 0.5, out=ok), overlap
        product = np.matmul(self.a[rows], self.m_t, out=scratch)
        np.greater_equal(product, self.SHIFT, out=ok)
        np.multiply(product, np.float32(1.0) / self.SHIFT, out=overlap)
        np.floor(overlap, out=overlap)
        overlap *= self.SHIFT
        np.subtract(product, overlap, out=overlap)  # exact where ok; unused elsewhere
        return ok, overlap


def _edges(parts, feasible, best, exact: bool) -> Edges:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Edges(empty, empty, np.zeros(0), feasible, best, exact)
    # Blocks come in apprentice order and np.nonzero is row-major: already sorted.
    rows, cols, scores = (np.concatenate(x) for x in zip(*parts, strict=True))
    return Edges(rows, cols, scores, feasible, best, exact)
