"""Turn a solved assignment into explained Pair and Unmatched records."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from matcher import explain
from matcher.candidates import Edges
from matcher.constraints import overlap_block, rule_failures
from matcher.features import Encoded
from matcher.profiles import STATED, Apprentice, MatchRules, Mentor, Pair, Unmatched
from matcher.rulecounts import failure_counts
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
    names = _Names(enc, *people)
    takers = _Takers(enc, mentor_of, pair_scores.tolist(), names)
    contested = lonely[edges.feasible[lonely] > 0]
    for i, top in zip(contested.tolist(), _best_edges(edges, contested), strict=True):
        out[i] = _competition(enc, edges, top, i, best[i], takers, rules, names)
    return [out[i] for i in sorted(out)]


def _best_edges(edges: Edges, rows: np.ndarray) -> list[list[int]]:
    """Positions of each row's best MAX_RIVALS allowed pairs (ties: lower mentor first)."""
    starts = np.searchsorted(edges.rows, rows)
    ends = np.searchsorted(edges.rows, rows, side="right")
    sizes = ends - starts
    pos = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
    owner = np.repeat(np.arange(len(rows)), sizes)
    # Row slices are sorted by mentor: a stable sort by score keeps lower mentors first.
    order = np.lexsort((-edges.scores[pos], owner))
    rank = np.arange(len(order)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    keep = order[rank < MAX_RIVALS]
    cut = np.searchsorted(owner[keep], np.arange(len(rows) + 1))
    picked = pos[keep].tolist()
    return [picked[cut[k] : cut[k + 1]] for k in range(len(rows))]


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


def _competition(enc, edges, top, i, best, takers: _Takers, rules, names) -> Unmatched:
    if not top:
        return explain.below_min_score(
            enc.apprentice_ids[i], float(best), int(edges.feasible[i]), rules
        )
    rivals = [
        {
            "mentor_id": enc.mentor_ids[j],
            "mentor_name": names.mentors[j],
            "score": round(score, 4),
            "taken_by": takers.of(j),
        }
        for j, score in zip(edges.cols[top].tolist(), edges.scores[top].tolist(), strict=True)
    ]
    return explain.capacity_taken(enc.apprentice_ids[i], rivals)
