"""A plain reference for stated preferences, and every matching of a tiny round."""

from __future__ import annotations

from itertools import product

import matcher_reference as ref

RANKED = 5
DEFAULT_WEIGHT = 0.10


def allowed(a, m, rules) -> bool:
    """The hard rules, plus a mentor's hard "not a good fit"."""
    hard_no = rules.not_fit == "hard" and a.id in m.not_fit
    return ref.allowed(a, m, rules) and not hard_no


def score(a, m, rules) -> float:
    """The profile score plus the stated component, capped at 1."""
    weight = rules.weights.get("stated", DEFAULT_WEIGHT)
    rank = a.ranked_mentors.index(m.id) if m.id in a.ranked_mentors else None
    rank_part = 1 - rank / RANKED if rank is not None else 0.0
    preferred = 1.0 if a.id in m.preferred else 0.0
    return min(ref.score(a, m, rules) + weight * (rank_part + preferred) / 2, 1.0)


def apprentice_key(a, m, s):
    """Bigger is better: ranked mentors in order first, then the score."""
    if m.id in a.ranked_mentors:
        return (1, -a.ranked_mentors.index(m.id))
    return (0, s)


def mentor_key(m, a, s, rules):
    """Bigger is better: preferred apprentices first, soft not-fit last, then the score."""
    if a.id in m.preferred:
        return (2, s)
    if rules.not_fit == "soft" and a.id in m.not_fit:
        return (0, s)
    return (1, s)


def options(apprentices, mentors, rules):
    """Allowed (mentor, score) per apprentice id."""
    out = {}
    for a in apprentices:
        out[a.id] = []
        for m in mentors:
            if allowed(a, m, rules):
                s = score(a, m, rules)
                if s >= rules.min_score:
                    out[a.id].append((m, s))
    return out


def matchings(apprentices, mentors, rules):
    """Every assignment respecting capacity: {apprentice id: (mentor, score) or None}."""
    opts = options(apprentices, mentors, rules)
    choices = [[None, *opts[a.id]] for a in apprentices]
    capacity = {m.id: m.capacity for m in mentors}
    for combo in product(*choices):
        load = {}
        for pick in combo:
            if pick is not None:
                load[pick[0].id] = load.get(pick[0].id, 0) + 1
        if all(load[j] <= capacity[j] for j in load):
            yield {a.id: pick for a, pick in zip(apprentices, combo, strict=True)}


def blocking_pairs(assignment, apprentices, mentors, rules) -> int:
    """Allowed pairs both of whose people would rather be together, by stated preferences."""
    held = {m.id: [] for m in mentors}
    for a in apprentices:
        pick = assignment[a.id]
        if pick is not None:
            held[pick[0].id].append(mentor_key(pick[0], a, pick[1], rules))
    opts = options(apprentices, mentors, rules)
    count = 0
    for a in apprentices:
        mine = assignment[a.id]
        for m, s in opts[a.id]:
            if mine is not None and mine[0].id == m.id:
                continue
            better_for_a = mine is None or better(apprentice_key(a, m, s), apprentice_key(a, *mine))
            room = len(held[m.id]) < m.capacity
            better_for_m = room or better(mentor_key(m, a, s, rules), min(held[m.id]))
            count += better_for_a and better_for_m
    return count


def better(first, second) -> bool:
    """Strictly preferred, ignoring score differences below float32 rounding."""
    return first[0] > second[0] or (first[0] == second[0] and first[1] > second[1] + 1e-6)


def total(assignment) -> tuple[int, float]:
    """(matched, total score) of an assignment."""
    picks = [p for p in assignment.values() if p is not None]
    return len(picks), sum(p[1] for p in picks)
