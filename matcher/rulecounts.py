"""How many mentors each hard rule excludes, and how many pass them all, per apprentice.

Used before a round (readiness) and for apprentices no mentor can take. The rules depend
on few fields that many people share, so mentors are counted per kind, not pair by pair.
"""

from __future__ import annotations

import logging

import numpy as np

from matcher.candidates import row_blocks
from matcher.constraints import overlap_block, rule_factors
from matcher.features import COMPATIBLE, Encoded
from matcher.profiles import MatchRules

logger = logging.getLogger(__name__)


def feasible_counts(
    enc: Encoded, rules: MatchRules, rows: np.ndarray | None = None, enough: int | None = None
) -> np.ndarray:
    """How many mentors pass every hard rule, per apprentice in `rows` (default: all).

    A pair passes when its weekly overlap is long enough (which depends only on the two
    weekly availabilities) and the person rules hold (mode, minor, languages, places: a
    few fields). Many people share each, so with `A` = overlap ok per (apprentice week,
    mentor week), `P` = person rules ok per (apprentice kind, mentor kind) and `C` = mentors
    per (mentor week, mentor kind), an apprentice's count is `(A @ C @ P.T)[week, kind]`:
    products of whole-number matrices with sums below 2**24, so exact. Pairs listed as excluded,
    rejected or not a good fit are then taken off one by one.

    With `enough`, counts below it are exact and larger ones are only known to be at least
    `enough`: mentor weeks are added most useful first, and apprentice weeks whose every
    apprentice already has enough stop being counted (most do after a few hundred).
    """
    rows = np.arange(enc.shape[0]) if rows is None else rows
    a_week, a_week_first = _kinds(enc.a_meet[rows])
    m_week, m_week_first = _kinds(enc.m_meet)
    a_kind, a_kind_first = _kinds(enc.a_mode[rows], enc.a_minor[rows], enc.a_lang[rows])
    m_kind, m_kind_first = _kinds(enc.m_mode, enc.m_checked, enc.capacity > 0, enc.m_lang)
    a_week_first, a_kind_first = rows[a_week_first], rows[a_kind_first]
    a, m = rule_factors(enc, a_kind_first, m_kind_first)
    person_ok = ((a @ m.T) >= 0.5).astype(np.float64)
    mentors = np.zeros((len(m_week_first), len(m_kind_first)))
    np.add.at(mentors, (m_week, m_kind), 1.0)
    # Counts stay below 2**24, so float32 products are exact too (and twice as fast).
    reach = (mentors @ person_ok.T).astype(np.float32)  # mentor week x apprentice kind
    i, j, at = _listed_pairs(enc, rows)
    need = None
    if enough is not None:  # an apprentice is settled once even their listed pairs leave enough
        need = enough + np.bincount(at, minlength=len(rows))
    by_week = _by_week(enc, rules, (a_week, a_week_first, a_kind), m_week_first, reach, need)
    counts = np.rint(by_week[a_week, a_kind]).astype(np.int64)
    if len(i):
        ok = person_ok[a_kind[at], m_kind[j]] > 0
        ok &= np.einsum("ij,ij->i", enc.a_meet[i], enc.m_meet[j]) >= rules.min_overlap_minutes
        np.subtract.at(counts, at[ok], 1)  # listed pairs are unique: one mentor each
    return counts


def _listed_pairs(enc: Encoded, rows: np.ndarray):
    """(apprentice, mentor, position in rows) of pairs listed as excluded, rejected, not fit."""
    listed = [p[0] * enc.shape[1] + p[1] for p in (enc.excluded, enc.rejected, enc.not_fit)]
    i, j = np.divmod(np.unique(np.concatenate(listed)), max(enc.shape[1], 1))
    at = _positions_in(rows, i, enc.shape[0])
    return i[at >= 0], j[at >= 0], at[at >= 0]


def _by_week(enc, rules, apprentices, m_week_first, reach, need) -> np.ndarray:
    """Compatible mentors per (apprentice week, apprentice kind), exact or, with `need`,
    exact until every apprentice of the week has their need (then a lower bound)."""
    a_week, a_week_first, a_kind = apprentices
    by_week = np.zeros((len(a_week_first), reach.shape[1]), dtype=np.float32)
    order = np.argsort(-reach.sum(axis=1), kind="stable")  # most useful mentor weeks first
    active, lo, step = np.arange(len(a_week_first)), 0, len(order)
    if need is not None:
        step = 256
    while lo < len(order) and len(active):
        chunk = order[lo : lo + step]
        for block in row_blocks(len(active), len(chunk)):
            weeks = active[block]
            overlap = overlap_block(enc, a_week_first[weeks], m_week_first[chunk])
            by_week[weeks] += (overlap >= rules.min_overlap_minutes).astype(np.float32) @ reach[
                chunk
            ]
        lo, step = lo + step, step * 2
        if need is not None:
            short = np.zeros(len(a_week_first), dtype=bool)
            short[a_week[by_week[a_week, a_kind] < need]] = True
            active = active[short[active]]
    return by_week


def failure_counts(
    enc: Encoded, rows: np.ndarray, rules: MatchRules, allowed: np.ndarray | None = None
) -> list[dict[str, int]]:
    """For each apprentice in `rows`, how many mentors each hard rule excludes.

    The extra key "allowed" counts mentors that pass every rule (counted here unless the
    caller already knows them). Each rule depends on a few fields, so mentors are counted
    per kind of those fields rather than pair by pair.
    """
    n_m = enc.shape[1]
    a_week, a_week_first = _kinds(enc.a_meet[rows])
    m_week, m_week_first = _kinds(enc.m_meet)
    per_week = np.bincount(m_week, minlength=len(m_week_first)).astype(np.float32)
    meets = np.zeros(len(a_week_first), dtype=np.float32)
    for block in row_blocks(len(a_week_first), len(m_week_first)):
        overlap = overlap_block(enc, rows[a_week_first[block]], m_week_first)
        meets[block] = (overlap >= rules.min_overlap_minutes).astype(np.float32) @ per_week
    m_lang, m_lang_first = _kinds(enc.m_lang)
    per_lang = np.bincount(m_lang, minlength=len(m_lang_first))
    shared = enc.a_lang[rows] @ enc.m_lang[m_lang_first].T
    modes = np.bincount(enc.m_mode, minlength=len(COMPATIBLE))
    sums = {
        "availability": n_m - np.rint(meets[a_week]).astype(np.int64),
        "mode": (~COMPATIBLE[enc.a_mode[rows]]).astype(np.int64) @ modes,
        "minor": enc.a_minor[rows] * int((~enc.m_checked).sum()),
        "language": (shared < 0.5).astype(np.int64) @ per_lang,
        "excluded": _listed(enc.excluded, rows, enc.shape[0]),
        "rejected": _listed(enc.rejected, rows, enc.shape[0]),
        "capacity": np.full(len(rows), int((enc.capacity <= 0).sum())),
    }
    if len(enc.not_fit[0]):
        sums["not_fit"] = _listed(enc.not_fit, rows, enc.shape[0])
    sums["allowed"] = feasible_counts(enc, rules, rows) if allowed is None else allowed
    columns = {name: values.tolist() for name, values in sums.items()}
    return [{name: int(v[k]) for name, v in columns.items()} for k in range(len(rows))]


def _listed(pairs: tuple[np.ndarray, np.ndarray], rows: np.ndarray, n: int) -> np.ndarray:
    """How many listed (apprentice, mentor) pairs each apprentice in `rows` has."""
    return np.bincount(pairs[0], minlength=n)[rows] if n else np.zeros(len(rows), np.int64)


def _positions_in(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Position of each value in `rows` (-1 when absent); rows are distinct indices < n."""
    where = np.full(n, -1, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    return where[values]


def _kinds(*fields: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each person's kind (identical values in `fields`) and one person of each kind."""
    n = len(fields[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    table = np.hstack([f.reshape(n, -1).astype(np.float32) for f in fields])
    # Rows are grouped by a random projection (one float per row sorts far faster than
    # whole rows), then checked against their group's first row; a collision falls back.
    mix = np.random.default_rng(0).random(table.shape[1]) + 0.5
    _, first, kind = np.unique(table @ mix, return_index=True, return_inverse=True)
    if not np.array_equal(table, table[first[kind]]):
        _, first, kind = np.unique(table, axis=0, return_index=True, return_inverse=True)
    return kind.ravel(), first
