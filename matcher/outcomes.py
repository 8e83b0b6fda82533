"""Turn a solved assignment into explained Pair and Unmatched records."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from matcher import explain
from matcher.candidates import Edges, row_blocks
from matcher.constraints import overlap_block, rule_failures
from matcher.features import Encoded
from matcher.profiles import STATED, Apprentice, MatchRules, Mentor, Pair, Unmatched
from matcher.scoring import pair_components

logger = logging.getLogger(__name__)

MAX_RIVALS = 3


def build_pairs(
    enc: Encoded,
    apprentices: Sequence[Apprentice],
    mentors: Sequence[Mentor],
    mentor_of: np.ndarray,
    locked: np.ndarray,
    rules: MatchRules,
    stated_bonus: np.ndarray | None = None,
) -> list[Pair]:
    """Explained pairs for every matched apprentice (locked ones flagged).

    `stated_bonus` (per apprentice, for their pair) adds the stated-preference component.
    """
    rows = np.flatnonzero(mentor_of >= 0)
    cols = mentor_of[rows]
    comps = pair_components(enc, rows, cols, rules.schedule_target_minutes)
    if stated_bonus is not None:  # the score is capped at 1, so is the component
        room = np.maximum(1.0 - sum(comps.values()), 0.0)
        comps[STATED] = np.minimum(stated_bonus[rows], room)
    broken = _broken_rules(enc, rows[locked[rows]], cols[locked[rows]], rules)
    names = list(comps)
    values = zip(*(v.tolist() for v in comps.values()), strict=True)
    is_locked = locked[rows].tolist()
    people = [
        (apprentices[i], mentors[j], fixed, broken.get(i))
        for i, j, fixed in zip(rows.tolist(), cols.tolist(), is_locked, strict=True)
    ]
    explained = explain.PairExplainer().explain_many(people)
    pairs = []
    for (apprentice, mentor, fixed, _), (facts, reason), parts in zip(
        people, explained, values, strict=True
    ):
        components = dict(zip(names, parts, strict=True))
        pairs.append(
            Pair(
                apprentice.id,
                mentor.id,
                sum(components.values()),
                components,
                facts,
                reason,
                fixed,
            )
        )
    return pairs


def _broken_rules(enc, rows, cols, rules) -> dict[int, list[str]]:
    # Locked pairs are kept as the coordinator decided; we still say which rules they break.
    out = {}
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        r = np.array([i])
        fails = rule_failures(enc, r, overlap_block(enc, r), rules.min_overlap_minutes)
        broken = [name for name, block in fails.items() if name != "capacity" and block[0, j]]
        if broken:
            out[i] = broken
    return out


def build_unmatched(
    enc: Encoded,
    edges: Edges,
    best: np.ndarray,
    mentor_of: np.ndarray,
    pair_scores: np.ndarray,
    rules: MatchRules,
    people: tuple[Sequence[Apprentice], Sequence[Mentor]] = ((), ()),
) -> list[Unmatched]:
    """The binding reason for every apprentice left without a mentor.

    `people` (the apprentices and mentors in the encoded order) lets reasons name the
    mentors and apprentices involved; without it they are named by id.
    """
    lonely = np.flatnonzero(mentor_of < 0)
    none_ok = lonely[edges.feasible[lonely] == 0]
    counts = failure_counts(enc, none_ok, rules)
    out = {}
    for k, i in enumerate(none_ok.tolist()):
        allowed = counts[k].pop("allowed")
        if allowed:  # only on the candidate path: allowed mentors that were not shortlisted
            out[i] = explain.not_shortlisted(enc.apprentice_ids[i], allowed)
        else:
            out[i] = explain.no_compatible(enc.apprentice_ids[i], counts[k], enc.shape[1], rules)
    starts = np.searchsorted(edges.rows, np.arange(enc.shape[0] + 1))
    names = _Names(enc, *people)
    takers = _Takers(enc, mentor_of, pair_scores.tolist(), names)
    for i in lonely[edges.feasible[lonely] > 0].tolist():
        out[i] = _competition(enc, edges, starts, i, best[i], takers, rules, names)
    return [out[i] for i in sorted(out)]


def failure_counts(enc: Encoded, rows: np.ndarray, rules: MatchRules) -> list[dict[str, int]]:
    """For each apprentice in `rows`, how many mentors each hard rule excludes.

    The extra key "allowed" counts mentors that pass every rule.
    """
    counts = []
    for block in row_blocks(len(rows), enc.shape[1]):
        sub = rows[block]
        fails = rule_failures(enc, sub, overlap_block(enc, sub), rules.min_overlap_minutes)
        sums = {name: f.sum(axis=1) for name, f in fails.items()}
        sums["allowed"] = (~np.logical_or.reduce(list(fails.values()))).sum(axis=1)
        counts.extend({n: int(s[k]) for n, s in sums.items()} for k in range(len(sub)))
    return counts


class _Names:
    """People's names by encoded index, falling back to their ids."""

    def __init__(self, enc: Encoded, apprentices: Sequence[Apprentice], mentors: Sequence[Mentor]):
        self.apprentices = [a.name or a.id for a in apprentices] or list(enc.apprentice_ids)
        self.mentors = [m.name or m.id for m in mentors] or list(enc.mentor_ids)


class _Takers:
    """Who took each mentor's places, built once per mentor on first use."""

    def __init__(self, enc: Encoded, mentor_of: np.ndarray, pair_scores: np.ndarray, names):
        self.order = np.argsort(mentor_of, kind="stable")
        self.bounds = np.searchsorted(mentor_of[self.order], np.arange(enc.shape[1] + 1))
        self.enc, self.scores, self.names, self.cache = enc, pair_scores, names, {}

    def of(self, j: int) -> list[dict[str, object]]:
        """The apprentices holding mentor j's places, with their scores."""
        if j not in self.cache:
            held = self.order[self.bounds[j] : self.bounds[j + 1]].tolist()
            self.cache[j] = [
                {
                    "apprentice_id": self.enc.apprentice_ids[t],
                    "apprentice_name": self.names.apprentices[t],
                    "score": round(self.scores[t], 4),
                }
                for t in held
            ]
        return self.cache[j]


def _competition(enc, edges, starts, i, best, takers: _Takers, rules, names) -> Unmatched:
    lo, hi = starts[i], starts[i + 1]
    if hi == lo:
        return explain.below_min_score(
            enc.apprentice_ids[i], float(best), int(edges.feasible[i]), rules
        )
    scores = edges.scores[lo:hi]
    top = np.argsort(-scores, kind="stable")[:MAX_RIVALS].tolist()
    rivals = [
        {
            "mentor_id": enc.mentor_ids[int(edges.cols[lo + k])],
            "mentor_name": names.mentors[int(edges.cols[lo + k])],
            "score": round(float(scores[k]), 4),
            "taken_by": takers.of(int(edges.cols[lo + k])),
        }
        for k in top
    ]
    return explain.capacity_taken(enc.apprentice_ids[i], rivals)
