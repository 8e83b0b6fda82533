"""Hard rules as boolean matrices: which apprentice–mentor pairs may be proposed at all."""

from __future__ import annotations

import logging

import numpy as np

from matcher.features import COMPATIBLE, Encoded

logger = logging.getLogger(__name__)


def overlap_block(enc: Encoded, rows: np.ndarray, cols=slice(None)) -> np.ndarray:
    """Weekly overlap in minutes of apprentices `rows` with mentors `cols`."""
    return enc.a_meet[rows] @ enc.m_meet[cols].T


def rule_failures(
    enc: Encoded, rows: np.ndarray, overlap: np.ndarray, min_overlap: int, cols=slice(None)
) -> dict[str, np.ndarray]:
    """For each hard rule, the block of pairs it forbids (True = forbidden)."""
    m_idx = np.arange(enc.shape[1])[cols]
    fails = {
        "availability": overlap < min_overlap,
        "mode": ~COMPATIBLE[enc.a_mode[rows][:, None], enc.m_mode[m_idx][None, :]],
        "minor": enc.a_minor[rows][:, None] & ~enc.m_checked[m_idx][None, :],
        "language": (enc.a_lang[rows] @ enc.m_lang[m_idx].T) < 0.5,
        "excluded": _pair_block(enc.excluded, rows, m_idx),
        "rejected": _pair_block(enc.rejected, rows, m_idx),
        "capacity": np.broadcast_to(enc.capacity[m_idx][None, :] <= 0, overlap.shape),
    }
    if len(enc.not_fit[0]):  # only rounds where mentors said "not a good fit" (hard)
        fails["not_fit"] = _pair_block(enc.not_fit, rows, m_idx)
    return fails


def pairs_allowed(enc: Encoded, rows: np.ndarray, cols: np.ndarray, min_overlap: int):
    """Whether each (apprentice, mentor) pair breaks no hard rule, pair by pair."""
    a, _ = rule_factors(enc, rows, np.zeros(0, dtype=np.int64))
    _, m = rule_factors(enc, np.zeros(0, dtype=np.int64), cols)
    ok = np.einsum("ij,ij->i", a, m) >= 0.5
    ok &= np.einsum("ij,ij->i", enc.a_meet[rows], enc.m_meet[cols]) >= min_overlap
    width = max(enc.shape[1], 1)
    for p_rows, p_cols in (enc.excluded, enc.rejected, enc.not_fit):
        ok &= ~np.isin(rows * width + cols, p_rows * width + p_cols)
    return ok


def feasible_block(
    enc: Encoded, rows: np.ndarray, overlap: np.ndarray, min_overlap: int, cols=slice(None)
) -> np.ndarray:
    """Pairs that break no hard rule (capacity is left to the solver beyond zero places)."""
    m_idx = np.arange(enc.shape[1])[cols]
    a, m = rule_factors(enc, rows, m_idx)
    ok = overlap >= min_overlap
    ok &= (a @ m.T) >= 0.5
    for pairs in (enc.excluded, enc.rejected, enc.not_fit):
        row_pos, col_pos = pair_positions(pairs, rows, m_idx)
        ok[row_pos, col_pos] = False
    return ok


def rule_factors(enc: Encoded, rows: np.ndarray, cols=slice(None)) -> tuple[np.ndarray, np.ndarray]:
    """Mode, minor, language and zero-capacity rules at once, as one small matrix product.

    Each apprentice row holds 0/1 indicators and each mentor row the matching column's
    weight: every broken rule adds -big, every shared language +1, so a pair passes these
    rules exactly when `a @ m.T` (whole numbers, hence exact in float32) is at least 1.
    """
    m_idx = np.arange(enc.shape[1])[cols]
    a_mode, m_mode = enc.a_mode[rows], enc.m_mode[m_idx]
    a_lang, m_lang = enc.a_lang[rows], enc.m_lang[m_idx]
    big = np.float32(a_lang.shape[1] + 1)
    bad = list(zip(*np.nonzero(~COMPATIBLE), strict=True))
    width = len(bad) + 2 + a_lang.shape[1]
    a = np.empty((len(a_mode), width), dtype=np.float32)
    m = np.empty((len(m_idx), width), dtype=np.float32)
    for k, (p, q) in enumerate(bad):
        a[:, k] = a_mode == p
        m[:, k] = -big * (m_mode == q)
    k = len(bad)
    a[:, k] = enc.a_minor[rows]
    m[:, k] = -big * ~enc.m_checked[m_idx]
    a[:, k + 1] = 1.0
    m[:, k + 1] = -big * (enc.capacity[m_idx] <= 0)
    a[:, k + 2 :] = a_lang
    m[:, k + 2 :] = m_lang
    return a, m


def pair_positions(pairs: tuple[np.ndarray, np.ndarray], rows: np.ndarray, m_idx):
    """Block positions (row, col) of the listed (apprentice, mentor) pairs inside the block."""
    p_rows, p_cols = pairs
    if not len(p_rows) or not len(rows) or not len(m_idx):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    row_pos = _positions(rows, p_rows)
    col_pos = _positions(m_idx, p_cols)
    keep = (row_pos >= 0) & (col_pos >= 0)
    return row_pos[keep], col_pos[keep]


def _pair_block(pairs: tuple[np.ndarray, np.ndarray], rows: np.ndarray, m_idx) -> np.ndarray:
    # Sparse (apprentice, mentor) lists become a dense block by index lookup, not a loop.
    block = np.zeros((len(rows), len(m_idx)), dtype=bool)
    p_rows, p_cols = pairs
    if not len(p_rows):
        return block
    row_pos = _positions(rows, p_rows)
    col_pos = _positions(m_idx, p_cols)
    keep = (row_pos >= 0) & (col_pos >= 0)
    block[row_pos[keep], col_pos[keep]] = True
    return block


def _positions(index: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in `index` (-1 when absent); `index` need not be sorted."""
    order = np.argsort(index, kind="stable")
    found = np.searchsorted(index[order], values)
    found = np.minimum(found, len(index) - 1)
    hit = index[order][found] == values if len(index) else np.zeros(len(values), bool)
    return np.where(hit, order[found], -1)
