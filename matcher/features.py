"""Profiles encoded once as arrays, so rules and scores become matrix operations."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matcher.profiles import COMPONENTS, MODES, Apprentice, MatchRules, Mentor
from matcher.schedule import coverage_matrices

logger = logging.getLogger(__name__)

IN_PERSON, REMOTE, EITHER = (MODES.index(m) for m in ("in_person", "remote", "either"))
# COMPATIBLE[apprentice_mode, mentor_mode]: in_person needs in_person or either, and so on.
COMPATIBLE = np.array([[True, False, True], [False, True, True], [True, True, True]])
MAX_LEVEL = 3


@dataclass(frozen=True)
class Encoded:
    """Both sides of a round as arrays; row i is apprentice i, row j is mentor j.

    `a_linear @ m_linear.T` is the weighted score of every component but schedule;
    `a_week @ m_week.T` is weekly overlap in minutes. `blocks` maps each linear component
    to its columns so contributions of chosen pairs can be read back separately.
    """

    apprentice_ids: tuple[str, ...]
    mentor_ids: tuple[str, ...]
    a_week: np.ndarray
    m_week: np.ndarray
    week_bounds: np.ndarray
    a_mode: np.ndarray
    m_mode: np.ndarray
    a_minor: np.ndarray
    m_checked: np.ndarray
    a_lang: np.ndarray
    m_lang: np.ndarray
    a_linear: np.ndarray
    m_linear: np.ndarray
    blocks: dict[str, slice]
    capacity: np.ndarray
    weights: dict[str, float]
    excluded: tuple[np.ndarray, np.ndarray]
    rejected: tuple[np.ndarray, np.ndarray]

    @property
    def shape(self) -> tuple[int, int]:
        """Number of apprentices and mentors."""
        return len(self.apprentice_ids), len(self.mentor_ids)


def normalized_weights(rules: MatchRules) -> dict[str, float]:
    """Weights scaled to sum to 1 so every score lies in [0, 1]."""
    raw = {c: float(rules.weights.get(c, 0.0)) for c in COMPONENTS}
    total = sum(raw.values())
    return {c: w / total for c, w in raw.items()}


def encode(
    apprentices: Sequence[Apprentice], mentors: Sequence[Mentor], rules: MatchRules
) -> Encoded:
    """Encode profiles as arrays for the rules, the scores and the solver."""
    weights = normalized_weights(rules)
    a_week, m_week, week_bounds = coverage_matrices(
        [a.availability for a in apprentices], [m.availability for m in mentors]
    )
    a_lang, m_lang = _indicators([a.languages for a in apprentices], [m.languages for m in mentors])
    a_mode = np.array([MODES.index(a.mode) for a in apprentices], dtype=np.int8)
    m_mode = np.array([MODES.index(m.mode) for m in mentors], dtype=np.int8)
    a_lin, m_lin, blocks = _linear_features(apprentices, mentors, a_mode, m_mode, weights)
    return Encoded(
        apprentice_ids=tuple(a.id for a in apprentices),
        mentor_ids=tuple(m.id for m in mentors),
        a_week=a_week,
        m_week=m_week,
        week_bounds=week_bounds,
        a_mode=a_mode,
        m_mode=m_mode,
        a_minor=np.array([a.minor for a in apprentices], dtype=bool),
        m_checked=np.array([m.background_checked for m in mentors], dtype=bool),
        a_lang=a_lang,
        m_lang=m_lang,
        a_linear=a_lin,
        m_linear=m_lin,
        blocks=blocks,
        capacity=np.array([max(m.capacity, 0) for m in mentors], dtype=np.int64),
        weights=weights,
        excluded=_pair_index(
            apprentices, mentors, ((a.id, x) for a in apprentices for x in a.exclude_mentors)
        ),
        rejected=_pair_index(apprentices, mentors, rules.rejected),
    )


def _vocabulary(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    keys = sorted({k.casefold() for g in groups for k in g})
    return {k: i for i, k in enumerate(keys)}


def _indicators(first, second, vocab: dict[str, int] | None = None):
    vocab = vocab if vocab is not None else _vocabulary(first)
    return _indicator(first, vocab), _indicator(second, vocab)


def _indicator(groups: Sequence[Iterable[str]], vocab: dict[str, int]) -> np.ndarray:
    cells = [
        (r, vocab[k.casefold()]) for r, g in enumerate(groups) for k in g if k.casefold() in vocab
    ]
    out = np.zeros((len(groups), len(vocab)), dtype=np.float32)
    if cells:
        rows, cols = np.array(cells).T
        out[rows, cols] = 1.0
    return out


def _levels(groups: Sequence[dict[str, int]], vocab: dict[str, int]) -> np.ndarray:
    # Thermometer code: level 2 sets columns 1 and 2, so a dot product sums min(levels).
    out = np.zeros((len(groups), len(vocab) * MAX_LEVEL), dtype=np.float32)
    cells = [
        (r, vocab[key], level)
        for r, skills in enumerate(groups)
        for key, level in ((k.casefold(), v) for k, v in skills.items())
        if key in vocab
    ]
    if cells:
        rows, cols, levels = np.array(cells, dtype=np.int64).T
        levels = np.clip(levels, 1, MAX_LEVEL)
        for step in range(MAX_LEVEL):
            reach = levels > step
            out[rows[reach], cols[reach] * MAX_LEVEL + step] = 1.0
    return out


def _per_row(matrix: np.ndarray) -> np.ndarray:
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)


def _linear_features(apprentices, mentors, a_mode, m_mode, weights):
    skill_vocab = _vocabulary(a.skills for a in apprentices)
    a_sk = _levels([a.skills for a in apprentices], skill_vocab)
    m_sk = _levels([m.skills for m in mentors], skill_vocab)
    a_pw, m_pw = _indicators([a.pathways for a in apprentices], [m.pathways for m in mentors])
    a_lg, m_lg = _indicators([a.languages for a in apprentices], [m.languages for m in mentors])
    a_loc, m_loc = _location_features(apprentices, mentors, a_mode, m_mode)
    parts = {
        "skills": (_per_row(a_sk) * weights["skills"], m_sk),
        "pathways": (_per_row(a_pw) * weights["pathways"], m_pw),
        "language": (_per_row(a_lg) * weights["language"], m_lg),
        "location": (a_loc * weights["location"], m_loc),
    }
    return _stack(parts)


def _stack(parts):
    blocks, start = {}, 0
    for name, (a_part, _) in parts.items():
        blocks[name] = slice(start, start + a_part.shape[1])
        start += a_part.shape[1]
    a_lin = np.hstack([p[0] for p in parts.values()]).astype(np.float32)
    m_lin = np.hstack([p[1] for p in parts.values()]).astype(np.float32)
    return a_lin, m_lin, blocks


def _location_features(apprentices, mentors, a_mode, m_mode):
    # location = same + (1 - same) * rp / 2, rp = "both may meet remotely":
    # same region counts fully; elsewhere counts half if they can meet online, else nothing.
    a_reg, m_reg = _indicators(
        [[a.region] if a.region else [] for a in apprentices],
        [[m.region] if m.region else [] for m in mentors],
    )
    a_rp = (a_mode != IN_PERSON).astype(np.float32)[:, None]
    m_rp = (m_mode != IN_PERSON).astype(np.float32)[:, None]
    a_loc = np.hstack([a_reg, a_reg * a_rp, a_rp])
    m_loc = np.hstack([m_reg, -0.5 * m_reg * m_rp, 0.5 * m_rp])
    return a_loc, m_loc


def _pair_index(apprentices, mentors, pairs) -> tuple[np.ndarray, np.ndarray]:
    a_index = {a.id: i for i, a in enumerate(apprentices)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    found = sorted({(a_index[a], m_index[m]) for a, m in pairs if a in a_index and m in m_index})
    rows = np.array([p[0] for p in found], dtype=np.int64)
    cols = np.array([p[1] for p in found], dtype=np.int64)
    return rows, cols
