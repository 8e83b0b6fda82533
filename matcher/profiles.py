"""Plain data that goes into and comes out of the matcher."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MODES = ("in_person", "remote", "either")
OBJECTIVES = ("max_matches", "max_score", "max_min", "stable")
SOLVERS = ("auto", "dense", "sparse", "candidates")
RULES = ("availability", "mode", "minor", "language", "excluded", "rejected", "capacity")
COMPONENTS = ("skills", "pathways", "schedule", "location", "language")
STATED = "stated"  # the stated-preference component: added on top, not normalised
DEFAULT_STATED_WEIGHT = 0.10
MAX_RANKED = 5
NOT_FIT = ("soft", "hard")
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "skills": 0.40,
    "pathways": 0.25,
    "schedule": 0.20,
    "location": 0.10,
    "language": 0.05,
}


@dataclass(frozen=True, order=True)
class TimeSlot:
    """A weekly time window: day 0 (Monday) to 6 (Sunday), minutes since midnight."""

    day: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.day <= 6:
            raise ValueError(f"day must be 0 (Monday) to 6 (Sunday), not {self.day}")
        if not 0 <= self.start < self.end <= 24 * 60:
            raise ValueError(f"a time slot must end after it starts, within one day: {self}")


@dataclass(frozen=True)
class Apprentice:
    """What an apprentice brings to a round: what they want to learn and when they can meet."""

    id: str
    name: str = ""
    email: str = ""
    partner: str = ""
    pathways: frozenset[str] = frozenset()
    skills: Mapping[str, int] = field(default_factory=dict)
    availability: tuple[TimeSlot, ...] = ()
    mode: str = "either"
    region: str = ""
    languages: frozenset[str] = frozenset({"english"})
    minor: bool = False
    exclude_mentors: frozenset[str] = frozenset()
    ranked_mentors: tuple[str, ...] = ()  # up to MAX_RANKED mentor ids, most wanted first


@dataclass(frozen=True)
class Mentor:
    """A city IT staff member offering `capacity` apprentice places."""

    id: str
    name: str = ""
    email: str = ""
    department: str = ""
    title: str = ""
    pathways: frozenset[str] = frozenset()
    skills: Mapping[str, int] = field(default_factory=dict)
    capacity: int = 1
    availability: tuple[TimeSlot, ...] = ()
    mode: str = "either"
    region: str = ""
    languages: frozenset[str] = frozenset({"english"})
    background_checked: bool = False
    preferred: frozenset[str] = frozenset()  # apprentice ids this mentor would like
    not_fit: frozenset[str] = frozenset()  # apprentice ids this mentor marked "not a good fit"


@dataclass(frozen=True)
class MatchRules:
    """The coordinator's rules for one round.

    `load_spreading` is a score penalty per extra apprentice a mentor takes (0 = off);
    `schedule_target_minutes` is where the schedule component saturates; `solver` picks the
    path ("auto" = exact when every pair fits, else candidates); the `candidates_*` settings
    size the large-round shortlists (per apprentice, and per mentor place).

    Stated preferences: `weights["stated"]` (default DEFAULT_STATED_WEIGHT) is added to a
    pair's score for the apprentice's rank and the mentor's "preferred" mark; `not_fit`
    says whether a mentor's "not a good fit" forbids the pair ("hard") or makes it the
    mentor's last choice ("soft"); `top_choices` = k guarantees ranked apprentices one of
    their first k mentors where feasible (0 = off); `min_match_rate` maps an apprentice
    column (partner, pathways, region, ...) to the lowest match rate every group of that
    column must reach.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    objective: str = "max_matches"
    min_overlap_minutes: int = 60
    min_score: float = 0.0
    locked: frozenset[tuple[str, str]] = frozenset()
    rejected: frozenset[tuple[str, str]] = frozenset()
    load_spreading: float = 0.0
    schedule_target_minutes: int = 180
    solver: str = "auto"
    candidates_per_apprentice: int = 12
    candidates_per_slot: int = 6
    top_choices: int = 0
    min_match_rate: Mapping[str, float] = field(default_factory=dict)
    not_fit: str = "soft"


@dataclass(frozen=True)
class Pair:
    """One proposed apprentice–mentor pair with the reasons behind it.

    `components` holds each score component's weighted contribution (they sum to `score`);
    `facts` holds the concrete evidence (shared skills, overlap minutes, ...).
    """

    apprentice_id: str
    mentor_id: str
    score: float
    components: Mapping[str, float]
    facts: Mapping[str, object]
    reason: str
    locked: bool = False


@dataclass(frozen=True)
class Unmatched:
    """An apprentice left without a mentor, and the rule or competition that caused it.

    `code` is "no_compatible_mentor" (with the rule that excluded most mentors in `details`),
    "capacity_taken" (compatible mentors' places went to higher-scoring pairs, named in
    `details`) or "below_min_score".
    """

    apprentice_id: str
    code: str
    reason: str
    details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchResult:
    """Everything a round produces: pairs, unmatched apprentices and the quality report."""

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    report: Mapping[str, object]
    solve_path: str
