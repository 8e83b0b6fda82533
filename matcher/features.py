"""Profiles encoded once as arrays, so rules and scores become matrix operations."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from matcher.profiles import COMPONENTS, MODES, Apprentice, MatchRules, Mentor
from matcher.schedule import coverage_matrices

logger = logging.getLogger(__name__)

IN_PERSON, REMOTE, EITHER = (MODES.index(m) for m in ("in_person", "remote", "either"))
# COMPATIBLE[apprentice_mode, mentor_mode]: in_person needs in_person or either, and so on.
COMPATIBLE = np.array([[True, False, True], [False, True, True], [True, True, True]])
MAX_LEVEL = 3
_NO_PAIRS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Encoded:
    """Both sides of a round as arrays; row i is apprentice i, row j is mentor j.

    `a_linear @ m_linear.T` is the weighted score of every component but schedule;
    `a_week @ m_week.T` is weekly overlap in minutes. `blocks` maps each linear component
    to its columns so contributions of chosen pairs can be read back separately.
    `a_meet @ m_meet.T` is the same overlap from only the week segments both sides use.
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
    a_meet: np.ndarray | None = None
    m_meet: np.ndarray | None = None
    not_fit: tuple[np.ndarray, np.ndarray] = (_NO_PAIRS, _NO_PAIRS)  # hard "not a good fit"

    def __post_init__(self) -> None:
        if self.a_meet is None or self.m_meet is None:
            a_meet, m_meet = meeting_segments(self.a_week, self.m_week)
            object.__setattr__(self, "a_meet", a_meet)
            object.__setattr__(self, "m_meet", m_meet)

    @property
    def shape(self) -> tuple[int, int]:
        """Number of apprentices and mentors."""
        return len(self.apprentice_ids), len(self.mentor_ids)


def meeting_segments(a_week: np.ndarray, m_week: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The week columns that some apprentice and some mentor both cover.

    Other segments add exactly 0 to every overlap, and overlaps are sums of whole minutes
    (exact in float32 in any order), so products over these columns are identical.
    """
    both = (a_week > 0).any(axis=0) & (m_week > 0).any(axis=0)
    return np.ascontiguousarray(a_week[:, both]), np.ascontiguousarray(m_week[:, both])


def normalized_weights(rules: MatchRules) -> dict[str, float]:
    """Weights scaled to sum to 1 so every score lies in [0, 1]."""
    raw = {c: float(rules.weights.get(c, 0.0)) for c in COMPONENTS}
    total = sum(raw.values())
    return {c: w / total for c, w in raw.items()}


def encode(
    apprentices: Sequence[Apprentice],
    mentors: Sequence[Mentor],
    rules: MatchRules,
    scores: bool = True,
) -> Encoded:
    """Encode profiles as arrays for the rules, the scores and the solver.

    With `scores=False` only the hard rules are encoded (the score features are empty).
    """
    weights = normalized_weights(rules)
    a_week, m_week, week_bounds = coverage_matrices(
        [a.availability for a in apprentices], [m.availability for m in mentors]
    )
    a_lang, m_lang = _indicators([a.languages for a in apprentices], [m.languages for m in mentors])
    a_mode = np.array([MODES.index(a.mode) for a in apprentices], dtype=np.int8)
    m_mode = np.array([MODES.index(m.mode) for m in mentors], dtype=np.int8)
    if scores:
        a_lin, m_lin, blocks = _linear_features(
            apprentices, mentors, a_mode, m_mode, weights, (a_lang, m_lang)
        )
    else:
        a_lin, m_lin = np.zeros((len(apprentices), 0)), np.zeros((len(mentors), 0))
        blocks = {}
    index = _PeopleIndex(apprentices, mentors)
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
            index, ((a.id, x) for a in apprentices if a.exclude_mentors for x in a.exclude_mentors)
        ),
        rejected=_pair_index(index, rules.rejected),
        not_fit=_pair_index(index, _hard_not_fit(mentors, rules)),
    )


def _hard_not_fit(mentors: Sequence[Mentor], rules: MatchRules):
    if rules.not_fit != "hard":
        return ()
    return ((a, m.id) for m in mentors if m.not_fit for a in m.not_fit)


def _vocabulary(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    keys = sorted({k.casefold() for k in set(chain.from_iterable(groups))})
    return {k: i for i, k in enumerate(keys)}


def _indicators(first, second, vocab: dict[str, int] | None = None):
    vocab = vocab if vocab is not None else _vocabulary(first)
    return _indicator(first, vocab), _indicator(second, vocab)


def _indicator(groups: Sequence[Iterable[str]], vocab: dict[str, int]) -> np.ndarray:
    rows, cols, _ = _cells(groups, vocab)
    out = np.zeros((len(groups), len(vocab)), dtype=np.float32)
    out[rows, cols] = 1.0
    return out


def _cells(groups: Sequence[Iterable[str]], vocab: dict[str, int]):
    """(row, vocabulary column) of every key in `groups` that is in `vocab`.

    Keys repeat a lot across people, so each distinct key is case-folded and looked up once.
    """
    sizes = list(map(len, groups))
    keys = list(chain.from_iterable(groups))
    column = {k: vocab.get(k.casefold(), -1) for k in set(keys)}
    cols = np.fromiter(map(column.__getitem__, keys), dtype=np.int64, count=len(keys))
    rows = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
    known = cols >= 0
    return rows[known], cols[known], known


def _levels(groups: Sequence[dict[str, int]], vocab: dict[str, int]) -> np.ndarray:
    # Thermometer code: level 2 sets columns 1 and 2, so a dot product sums min(levels).
    out = np.zeros((len(groups), len(vocab) * MAX_LEVEL), dtype=np.float32)
    rows, cols, known = _cells(groups, vocab)
    if len(rows):
        levels = np.array(list(chain.from_iterable(g.values() for g in groups)), dtype=np.int64)
        levels = levels[known]
        levels = np.clip(levels, 1, MAX_LEVEL)
        for step in range(MAX_LEVEL):
            reach = levels > step
            out[rows[reach], cols[reach] * MAX_LEVEL + step] = 1.0
    return out


def _per_row(matrix: np.ndarray) -> np.ndarray:
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)


def _linear_features(apprentices, mentors, a_mode, m_mode, weights, languages=None):
    skill_vocab = _vocabulary(a.skills for a in apprentices)
    a_sk = _levels([a.skills for a in apprentices], skill_vocab)
    m_sk = _levels([m.skills for m in mentors], skill_vocab)
    a_pw, m_pw = _indicators([a.pathways for a in apprentices], [m.pathways for m in mentors])
    a_lg, m_lg = languages or _indicators(
        [a.languages for a in apprentices], [m.languages for m in mentors]
    )
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
    a_lin = np.hstack([p[0] for p in parts.values()]).astype(np.float32, copy=False)
    m_lin = np.hstack([p[1] for p in parts.values()]).astype(np.float32, copy=False)
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


class _PeopleIndex:
    """Row of each apprentice id and mentor id, built on first use."""

    def __init__(self, apprentices, mentors):
        self.people, self.maps = (apprentices, mentors), None

    def get(self):
        if self.maps is None:
            self.maps = tuple({p.id: i for i, p in enumerate(g)} for g in self.people)
        return self.maps


def _pair_index(index: _PeopleIndex, pairs) -> tuple[np.ndarray, np.ndarray]:
    found = set()
    for a, m in pairs:
        a_index, m_index = index.get()
        if a in a_index and m in m_index:
            found.add((a_index[a], m_index[m]))
    found = sorted(found)
    rows = np.array([p[0] for p in found], dtype=np.int64)
    cols = np.array([p[1] for p in found], dtype=np.int64)
    return rows, cols
