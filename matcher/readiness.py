"""Before a round: is there enough mentor capacity where apprentices need it?"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from matcher.config import check_rules
from matcher.explain import no_compatible
from matcher.features import encode
from matcher.gcpause import collector_paused
from matcher.profiles import Apprentice, MatchRules, Mentor
from matcher.rulecounts import failure_counts, feasible_counts

logger = logging.getLogger(__name__)

FEW_OPTIONS = 3


def check_readiness(
    apprentices: Sequence[Apprentice],
    mentors: Sequence[Mentor],
    rules: MatchRules = MatchRules(),  # noqa: B008 - frozen, so a shared default is safe
) -> dict[str, object]:
    """Demand vs capacity per pathway and skill, and apprentices with no compatible mentor."""
    with collector_paused():
        return _check_readiness(apprentices, mentors, rules)


def _check_readiness(apprentices, mentors, rules: MatchRules) -> dict[str, object]:
    check_rules(rules)
    apprentices = sorted(apprentices, key=lambda a: a.id)
    mentors = sorted(mentors, key=lambda m: m.id)
    enc = encode(apprentices, mentors, rules, scores=False)
    feasible = feasible_counts(enc, rules, enough=FEW_OPTIONS)  # exact below FEW_OPTIONS
    stranded = np.flatnonzero(feasible == 0)
    counts = failure_counts(enc, stranded, rules, allowed=feasible[stranded])
    reasons = [
        no_compatible(enc.apprentice_ids[i], _rules_only(c), len(mentors), rules)
        for i, c in zip(stranded.tolist(), counts, strict=True)
    ]
    places = sum(max(m.capacity, 0) for m in mentors)
    return {
        "apprentices": len(apprentices),
        "mentors": len(mentors),
        "places": places,
        "places_per_apprentice": round(places / len(apprentices), 4) if apprentices else None,
        "pathways": _supply_demand(
            [a.pathways for a in apprentices], mentors, lambda m: m.pathways
        ),
        "skills": _supply_demand([a.skills for a in apprentices], mentors, lambda m: m.skills),
        "no_compatible_mentor": [
            {"apprentice_id": r.apprentice_id, "reason": r.reason, **r.details} for r in reasons
        ],
        "few_options": [
            enc.apprentice_ids[i]
            for i in np.flatnonzero((feasible > 0) & (feasible < FEW_OPTIONS)).tolist()
        ],
        "ready": not reasons and places >= len(apprentices),
    }


def _rules_only(counts: dict[str, int]) -> dict[str, int]:
    return {rule: count for rule, count in counts.items() if rule != "allowed"}


def _supply_demand(wants: Iterable[Iterable[str]], mentors, offers) -> list[dict[str, object]]:
    """Per key: apprentices asking for it vs places of mentors offering it, worst first."""
    # People share the same sets a lot: each distinct set is case-folded once.
    demand, supply = Counter(), Counter()
    for group, count in Counter(map(frozenset, wants)).items():
        for key in group:
            demand[key.casefold()] += count
    places = Counter()
    for m in mentors:
        places[frozenset(offers(m))] += max(m.capacity, 0)
    for group, count in places.items():
        for key in {k.casefold() for k in group}:
            supply[key] += count
    rows = [
        {
            "key": k,
            "apprentices": demand[k],
            "mentor_places": supply[k],
            "shortfall": max(demand[k] - supply[k], 0),
            "places_per_apprentice": round(supply[k] / demand[k], 4),
        }
        for k in demand
    ]
    return sorted(rows, key=lambda r: (r["places_per_apprentice"], r["key"]))
