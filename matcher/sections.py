"""The report's objective sections: side by side, stable cost, top choices, floors."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from matcher.candidates import Edges
from matcher.comparison import GroupIndex, floor_report, price, side_by_side
from matcher.features import Encoded
from matcher.objectives import Outcome, stable_free
from matcher.preferences import Stated, edge_values
from matcher.profiles import Apprentice, MatchRules
from matcher.report import edge_scores
from matcher.topchoices import shortfalls

logger = logging.getLogger(__name__)


def objective_sections(
    apprentices: Sequence[Apprentice],
    enc: Encoded,
    edges: Edges,
    outcome: Outcome,
    stated: Stated,
    rules: MatchRules,
    held: tuple[np.ndarray, np.ndarray],
    baselines: dict[str, np.ndarray],
) -> dict[str, object]:
    """`objectives` (each objective's figures) and the chosen objective's own section.

    `held` is (locked, score per apprentice of the chosen assignment); `baselines` the
    greedy and deferred-acceptance assignments the quality report computed.
    """
    locked_of = np.where(held[0], outcome.mentor_of, -1)
    side = _assignments(enc, edges, outcome, stated, rules, baselines, locked_of)
    columns = ["partner", *sorted(c for c in rules.min_match_rate if c != "partner")]
    values = edge_values(edges, stated)
    k = rules.top_choices or 1
    figures = side_by_side(
        side, held, enc.capacity, edges, values, stated, k, GroupIndex(apprentices, columns)
    )
    for name, fig in figures.items():
        if name != "optimal":
            fig["price"] = price(fig, figures["optimal"])
    out: dict[str, object] = {"objectives": figures}
    if rules.top_choices:
        out["top_choices"] = {
            "k": rules.top_choices,
            **figures["top_choices"]["top_choices"],
            "not_met": shortfalls(
                outcome.mentor_of,
                edges,
                stated,
                rules.top_choices,
                enc.apprentice_ids,
                enc.mentor_ids,
                held[0],
            ),
            "price": figures["top_choices"]["price"],
        }
    if rules.objective == "stable":
        out["stable"] = {"price": figures["stable"]["price"]}
    if rules.min_match_rate:
        prices = {"floors": figures["floors"]["price"]}
        for column, own in outcome.floors["prices"].items():
            prices[column] = price(_totals(own, edges, held), figures["optimal"])
        out["floors"] = floor_report(rules.min_match_rate, outcome.floors, prices)
    return out


def _assignments(enc, edges, outcome: Outcome, stated, rules, baselines, locked_of):
    optimal = outcome.mentor_of if outcome.optimal is None else outcome.optimal
    if rules.objective == "stable":
        stable = outcome.mentor_of
    elif len(stated):
        stable = stable_free(enc, edges, locked_of, stated)
    else:  # nothing stated: the stable matching is deferred acceptance on scores
        stable = baselines["deferred_acceptance"]
    side = {"optimal": optimal, "stable": stable, "greedy": baselines["greedy"]}
    if rules.top_choices:
        side["top_choices"] = outcome.mentor_of
    if rules.min_match_rate:
        side["floors"] = outcome.mentor_of
    return side


def _totals(mentor_of: np.ndarray, edges: Edges, held) -> dict[str, object]:
    locked, scores = held
    got = np.where(locked, scores, edge_scores(mentor_of, edges))
    return {"matched": int((mentor_of >= 0).sum()), "total_score": float(got[mentor_of >= 0].sum())}
