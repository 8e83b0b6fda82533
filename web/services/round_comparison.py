"""A stable round's floor-constrained comparison: the same instance, solved with the floors.

The matcher cannot make a matching both stable and floor-constrained, so a stable round with
floors applies none of them and shows, side by side, what the floors would have given.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from matcher import MatchResult, MatchRules, propose_pairs

logger = logging.getLogger(__name__)


def comparison_floors(parameters: dict) -> dict[str, float]:
    """Floors a stable round compares with (empty for other objectives)."""
    if parameters.get("objective") != "stable":
        return {}
    return {str(c): float(r) for c, r in (parameters.get("min_match_rate") or {}).items()}


def with_floor_comparison(
    apprentices, mentors, rules: MatchRules, result: MatchResult, floors: dict[str, float]
) -> MatchResult:
    """`result` with the floor-constrained column and section of the same instance added."""
    if not floors:
        return result
    constrained = replace(rules, objective="max_matches", min_match_rate=floors)
    other = propose_pairs(apprentices, mentors, constrained).report
    report = dict(result.report)
    report["objectives"] = {**report["objectives"], "floors": other["objectives"]["floors"]}
    report["floors"] = {**other["floors"], "comparison_only": True}
    return replace(result, report=report)
