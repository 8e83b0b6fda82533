"""Round rules from a TOML file (for the CLI) and their validation (for everyone)."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from pathlib import Path

from matcher.profiles import (
    COMPONENTS,
    MAX_RANKED,
    NOT_FIT,
    OBJECTIVES,
    SOLVERS,
    STATED,
    MatchRules,
)

logger = logging.getLogger(__name__)

_NUMBERS = {
    "min_overlap_minutes": int,
    "min_score": float,
    "load_spreading": float,
    "schedule_target_minutes": int,
    "candidates_per_apprentice": int,
    "candidates_per_slot": int,
    "top_choices": int,
}
# Apprentice columns a floor may group by (set-valued ones put a person in several groups).
FLOOR_COLUMNS = ("partner", "pathways", "region", "mode", "languages", "minor")


def check_rules(rules: MatchRules) -> None:
    """Raise ValueError if the rules cannot define a round."""
    unknown = set(rules.weights) - {*COMPONENTS, STATED}
    if unknown:
        raise ValueError(f"unknown score weights: {', '.join(sorted(unknown))}")
    if any(float(w) < 0 for w in rules.weights.values()):
        raise ValueError("score weights must not be negative")
    if sum(float(rules.weights.get(c, 0)) for c in COMPONENTS) <= 0:
        raise ValueError("at least one score weight must be positive")
    if rules.objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}")
    if rules.solver not in SOLVERS:
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}")
    if rules.min_overlap_minutes < 0 or rules.load_spreading < 0:
        raise ValueError("min_overlap_minutes and load_spreading must not be negative")
    if not 0.0 <= rules.min_score <= 1.0:
        raise ValueError("min_score must be between 0 and 1")
    if rules.locked & rules.rejected:
        raise ValueError("a pair cannot be both locked and rejected")
    _check_stated(rules)


def _check_stated(rules: MatchRules) -> None:
    if rules.not_fit not in NOT_FIT:
        raise ValueError(f"not_fit must be one of {', '.join(NOT_FIT)}")
    if not 0 <= rules.top_choices <= MAX_RANKED:
        raise ValueError(f"top_choices must be between 0 (off) and {MAX_RANKED}")
    for column, floor in rules.min_match_rate.items():
        if column not in FLOOR_COLUMNS:
            raise ValueError(
                f"min_match_rate: {column!r} is not an apprentice column that groups people "
                f"(use one of {', '.join(FLOOR_COLUMNS)})"
            )
        if not 0.0 <= float(floor) <= 1.0:
            raise ValueError(f"min_match_rate.{column} must be between 0 and 1")
    if rules.objective == "stable" and (rules.top_choices or rules.min_match_rate):
        raise ValueError("the stable objective cannot be combined with top_choices or floors")
    if rules.min_match_rate and rules.top_choices:
        raise ValueError("top_choices and min_match_rate cannot be combined in one round")
    if rules.min_match_rate and rules.objective == "max_min":
        raise ValueError("min_match_rate works with the max_matches or max_score objective")


def load_rules(path: str | Path) -> MatchRules:
    """Read rules from a TOML file; unknown keys are an error, missing keys keep defaults."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return rules_from_mapping(data)


def rules_from_mapping(data: Mapping[str, object]) -> MatchRules:
    """Build validated MatchRules from plain data (TOML or JSON shaped)."""
    allowed = {
        "weights",
        "objective",
        "locked",
        "rejected",
        "solver",
        "not_fit",
        "min_match_rate",
        *_NUMBERS,
    }
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown rule settings: {', '.join(sorted(unknown))}")
    kwargs: dict[str, object] = {k: conv(data[k]) for k, conv in _NUMBERS.items() if k in data}
    if "weights" in data:
        kwargs["weights"] = {str(k): float(v) for k, v in dict(data["weights"]).items()}
    if "min_match_rate" in data:
        floors = data["min_match_rate"]
        if not isinstance(floors, Mapping):
            raise ValueError("min_match_rate must be a table: column = lowest match rate")
        kwargs["min_match_rate"] = {str(k): float(v) for k, v in floors.items()}
    for key in ("objective", "solver", "not_fit"):
        if key in data:
            kwargs[key] = str(data[key])
    for key in ("locked", "rejected"):
        if key in data:
            kwargs[key] = frozenset(_pair(item, key) for item in data[key])
    rules = MatchRules(**kwargs)
    check_rules(rules)
    return rules


def _pair(item: object, key: str) -> tuple[str, str]:
    if isinstance(item, Mapping) and {"apprentice", "mentor"} <= set(item):
        return str(item["apprentice"]), str(item["mentor"])
    if isinstance(item, list | tuple) and len(item) == 2:
        return str(item[0]), str(item[1])
    raise ValueError(
        f"each {key} pair must be [apprentice_id, mentor_id] or "
        f"{{apprentice = ..., mentor = ...}}, got {item!r}"
    )
