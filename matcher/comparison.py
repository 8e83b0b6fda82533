"""One instance, several objectives side by side: optimal, stable, greedy, floors."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence

import numpy as np

from matcher.candidates import Edges
from matcher.floors import FloorSolution, Groups, group_values, rate
from matcher.preferences import Stated, blocking_pairs, choice_counts
from matcher.profiles import Apprentice
from matcher.report import edge_scores

logger = logging.getLogger(__name__)


class GroupIndex:
    """Each apprentice's groups in each column, found once and counted per assignment."""

    def __init__(self, apprentices: Sequence[Apprentice], columns: Sequence[str]):
        self.columns = {}
        for column in columns:
            names: dict[str, int] = {}
            rows, groups = [], []
            for i, a in enumerate(apprentices):
                for value in group_values(a, column):
                    rows.append(i)
                    groups.append(names.setdefault(value, len(names)))
            self.columns[column] = (
                list(names),
                np.array(rows, dtype=np.int64),
                np.array(groups, dtype=np.int64),
            )

    def rates(self, mentor_of: np.ndarray) -> dict[str, dict[str, dict[str, object]]]:
        """Apprentices, matched and match rate for every group of each column."""
        out = {}
        for column, (names, rows, groups) in self.columns.items():
            totals = np.bincount(groups, minlength=len(names))
            hits = np.bincount(groups, weights=mentor_of[rows] >= 0, minlength=len(names))
            out[column] = {
                g: {
                    "apprentices": int(totals[k]),
                    "matched": int(hits[k]),
                    "rate": rate(int(hits[k]), int(totals[k])),
                }
                for g, k in sorted((g, k) for k, g in enumerate(names))
            }
        return out


def side_by_side(
    assignments: Mapping[str, np.ndarray],
    locked_scores: tuple[np.ndarray, np.ndarray],
    capacity: np.ndarray,
    edges: Edges,
    values: tuple[np.ndarray, np.ndarray],
    stated: Stated,
    k: int,
    groups: GroupIndex,
) -> dict[str, dict[str, object]]:
    """Matches, total score, blocking pairs, rates per group and top choices per objective."""
    locked, held = locked_scores
    out = {}
    for name, mentor_of in assignments.items():
        scores = np.where(locked, held, edge_scores(mentor_of, edges))
        matched = mentor_of >= 0
        out[name] = {
            "matched": int(matched.sum()),
            "total_score": round(float(scores[matched].sum()), 6),
            "blocking_pairs": blocking_pairs(mentor_of, scores, capacity, edges, values),
            "match_rate_by_group": groups.rates(mentor_of),
            "top_choices": choice_counts(mentor_of, stated, k),
        }
    return out


def floor_report(
    floors: Mapping[str, float],
    details: Mapping[str, object],
    price_of: Mapping[str, Mapping[str, object]],
) -> dict[str, object]:
    """Floors asked for, whether they could be met, the closest feasible ones, their price."""
    solution: FloorSolution = details["solution"]
    groups: Groups = details["groups"]
    size = np.asarray(groups.members.sum(axis=1)).ravel()
    rows = []
    for g, (column, value) in enumerate(groups.names):
        reached = int(groups.needed[g] - solution.shortfall[g])  # beyond locked pairs
        rows.append(
            {
                "column": column,
                "group": value,
                "apprentices": int(size[g]),
                "floor": floors[column],
                "matches_needed": int(groups.needed[g]),
                "shortfall": int(solution.shortfall[g]),
                "closest_feasible_floor": floors[column]
                if not solution.shortfall[g]
                else rate(reached + int(groups.already[g]), int(size[g])),
            }
        )
    return {
        "min_match_rate": dict(floors),
        "feasible": bool(not solution.shortfall.any()),
        "closest_feasible_min_match_rate": {
            c: math.floor(float(r) * solution.scale * 1000) / 1000 for c, r in floors.items()
        },
        "groups": rows,
        "price": price_of["floors"],
        "price_by_column": {c: price_of[c] for c in price_of if c != "floors"},
        "exact": solution.exact,
        "method": solution.method,
        "rounds": solution.rounds,
        "seconds": round(float(details["seconds"]), 4),
    }


def price(constrained: Mapping[str, object], optimal: Mapping[str, object]) -> dict[str, object]:
    """Score and matches given up against the unconstrained optimum."""
    return {
        "score_given_up": round(
            float(optimal["total_score"]) - float(constrained["total_score"]), 6
        ),
        "matches_given_up": int(optimal["matched"]) - int(constrained["matched"]),
    }
