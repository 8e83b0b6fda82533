"""One apprentice against every mentor: who may take them, ranked by score, and why not the rest.

A coordinator pairing an apprentice by hand sees the same hard rules, scores and reasons a
round uses; nothing here decides anything the round would not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matcher.config import check_rules
from matcher.constraints import overlap_block, rule_failures
from matcher.explain import PairExplainer, rule_text
from matcher.features import encode
from matcher.preferences import collect, pair_bonus, stated_weight
from matcher.profiles import STATED, Apprentice, MatchRules, Mentor
from matcher.scoring import pair_components

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MentorOption:
    """One mentor for the apprentice: the score they would make, and the rules they break.

    `broken` lists hard-rule keys (empty when the pair is feasible) and `problems` says the
    same in words; `reason` and `facts` explain the pair as a round would.
    """

    mentor_id: str
    score: float
    components: Mapping[str, float]
    facts: Mapping[str, object]
    reason: str
    broken: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        """True if the pair breaks no hard rule."""
        return not self.broken


def mentor_options(
    apprentice: Apprentice,
    mentors: Sequence[Mentor],
    rules: MatchRules = MatchRules(),  # noqa: B008 - frozen, so a shared default is safe
) -> list[MentorOption]:
    """Every mentor for `apprentice`: feasible ones by score (best first), then the others,
    also by the score they would make."""
    check_rules(rules)
    mentors = sorted(mentors, key=lambda m: m.id)
    if not mentors:
        return []
    enc = encode([apprentice], mentors, rules)
    row, cols = np.zeros(1, dtype=np.int64), np.arange(len(mentors))
    fails = rule_failures(enc, row, overlap_block(enc, row), rules.min_overlap_minutes)
    rows = np.zeros(len(mentors), dtype=np.int64)
    components = pair_components(enc, rows, cols, rules.schedule_target_minutes)
    stated = collect(enc, [apprentice], mentors, rules)
    if len(stated):  # as in a round: what people stated adds up to the room below 1
        room = np.maximum(1.0 - sum(components.values()), 0.0)
        components[STATED] = np.minimum(pair_bonus(stated, rows, cols, stated_weight(rules)), room)
    explained = PairExplainer().explain_many([(apprentice, m, False, None) for m in mentors])
    options = []
    for j, mentor in enumerate(mentors):
        broken = tuple(rule for rule, block in fails.items() if block[0, j])
        parts = {name: float(values[j]) for name, values in components.items()}
        facts, reason = explained[j]
        options.append(
            MentorOption(
                mentor_id=mentor.id,
                score=min(max(sum(parts.values()), 0.0), 1.0),
                components=parts,
                facts=facts,
                reason=reason,
                broken=broken,
                problems=tuple(rule_text(rule, rules) for rule in broken),
            )
        )
    return sorted(options, key=lambda o: (not o.feasible, -o.score))
