"""The top-choice guarantee: ranked apprentices get one of their first k mentors if they can."""

from __future__ import annotations

import logging

import numpy as np

from matcher.candidates import Edges
from matcher.preferences import Stated

logger = logging.getLogger(__name__)


def guaranteed_edges(edges: Edges, stated: Stated, k: int) -> np.ndarray:
    """Which allowed pairs are one of their apprentice's first k ranked mentors."""
    top = stated.ranked[edges.rows, :k]
    return (top == edges.cols[:, None]).any(axis=1)


def shortfalls(
    mentor_of: np.ndarray,
    edges: Edges,
    stated: Stated,
    k: int,
    apprentice_ids,
    mentor_ids,
    locked: np.ndarray,
) -> list[dict[str, object]]:
    """Every apprentice who ranked mentors but did not get one of their first k, and why."""
    flags = guaranteed_edges(edges, stated, k)
    reachable = np.bincount(edges.rows[flags], minlength=len(mentor_of)) > 0
    top = stated.ranked[:, :k]
    got = ((top == mentor_of[:, None]) & (mentor_of[:, None] >= 0)).any(axis=1)
    missed = np.flatnonzero((top >= 0).any(axis=1) & ~got)
    out = []
    for i in missed.tolist():
        if locked[i]:
            code = "locked"
        elif reachable[i]:
            code = "places_taken"
        else:
            code = "no_allowed_top_choice"
        out.append(
            {
                "apprentice_id": apprentice_ids[i],
                "code": code,
                "reason": _REASONS[code].format(k=k),
                "top_choices": [mentor_ids[j] for j in top[i].tolist() if j >= 0],
                "matched_with": mentor_ids[mentor_of[i]] if mentor_of[i] >= 0 else None,
            }
        )
    return out


_REASONS = {
    "locked": "a coordinator locked this apprentice's pair",
    "places_taken": (
        "their first {k} choices' places went to other apprentices' guaranteed choices "
        "(no assignment gives everyone one of theirs)"
    ),
    "no_allowed_top_choice": "none of their first {k} choices is allowed by the round's rules",
}
