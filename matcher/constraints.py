"""Hard rules as boolean matrices: which apprentice–mentor pairs may be proposed at all."""

from __future__ import annotations

import logging

import numpy as np

from matcher.features import COMPATIBLE, Encoded

logger = logging.getLogger(__name__)


def overlap_block(enc: Encoded, rows: np.ndarray, cols=slice(None)) -> np.ndarray:
    """Weekly overlap in minutes of apprentices `rows` with mentors `cols`."""
    return enc.a_week[rows] @ enc.m_week[cols].T


def rule_failures(
    enc: Encoded, rows: np.ndarray, overlap: np.ndarray, min_overlap: int, cols=slice(None)
) -> dict[str, np.ndarray]:
    """For each hard rule, the block of pairs it forbids (True = forbidden)."""
    m_idx = np.arange(enc.shape[1])[cols]
    return {
        "availability": overlap < min_overlap,
        "mode": ~COMPATIBLE[enc.a_mode[rows][:, None], enc.m_mode[m_idx][None, :]],
        "minor": enc.a_minor[rows][:, None] & ~enc.m_checked[m_idx][None, :],
        "language": (enc.a_lang[rows] @ enc.m_lang[m_idx].T) < 0.5,
        "excluded": _pair_block(enc.excluded, rows, m_idx),
        "rejected": _pair_block(enc.rejected, rows, m_idx),
        "capacity": np.broadcast_to(enc.capacity[m_idx][None, :] <= 0, overlap.shape),
    }


def feasible_block(
    enc: Encoded, rows: np.ndarray, overlap: np.ndarray, min_overlap: int, cols=slice(None)
) -> np.ndarray:
    """Pairs that break no hard rule (capacity is left to the solver beyond zero places)."""
    ok = overlap >= min_overlap
    m_idx = np.arange(enc.shape[1])[cols]
    ok &= COMPATIBLE[enc.a_mode[rows][:, None], enc.m_mode[m_idx][None, :]]
    ok &= ~(enc.a_minor[rows][:, None] & ~enc.m_checked[m_idx][None, :])
    ok &= (enc.a_lang[rows] @ enc.m_lang[m_idx].T) >= 0.5
    ok &= (enc.capacity[m_idx] > 0)[None, :]
    ok &= ~_pair_block(enc.excluded, rows, m_idx)
    ok &= ~_pair_block(enc.rejected, rows, m_idx)
    return ok


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
