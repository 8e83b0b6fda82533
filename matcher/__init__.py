"""Pathways matcher: apprentice and mentor profiles in, optimal explained pairs out."""

from matcher.profiles import (
    Apprentice,
    MatchResult,
    MatchRules,
    Mentor,
    Pair,
    TimeSlot,
    Unmatched,
)
from matcher.rounds import propose_pairs

__all__ = [
    "Apprentice",
    "MatchResult",
    "MatchRules",
    "Mentor",
    "Pair",
    "TimeSlot",
    "Unmatched",
    "propose_pairs",
]
