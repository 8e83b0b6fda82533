"""The stable objective: apprentice-proposing deferred acceptance on stated preferences."""

from __future__ import annotations

import logging

import numpy as np

from matcher.baselines import deferred_acceptance, priority_order

logger = logging.getLogger(__name__)


def stable_assignment(
    n: int,
    capacity: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    values: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """The apprentice-optimal stable matching: mentor per apprentice (-1 = unmatched).

    `values` holds each allowed pair's value to its apprentice and to its mentor
    (preferences.edge_values); ties go to the lower apprentice, then mentor, index.
    """
    a_value, m_value = values
    return deferred_acceptance(
        n,
        capacity,
        rows,
        cols,
        a_value,
        order=priority_order(rows, cols, a_value),
        mentor_order=priority_order(rows, cols, m_value),
    )


def score_cost(stable: dict[str, object], optimal: dict[str, object]) -> dict[str, object]:
    """What stability costs against the optimum: score and matches given up."""
    return {
        "score_given_up": round(float(optimal["total_score"]) - float(stable["total_score"]), 6),
        "matches_given_up": int(optimal["matched"]) - int(stable["matched"]),
    }
