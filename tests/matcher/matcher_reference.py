"""An independent, deliberately plain reference: rules, scores and an ILP optimum."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.profiles import COMPONENTS


def overlap_minutes(a_slots, m_slots) -> int:
    minutes = set()
    for s in a_slots:
        minutes |= {s.day * 1440 + t for t in range(s.start, s.end)}
    shared = set()
    for s in m_slots:
        shared |= {s.day * 1440 + t for t in range(s.start, s.end)}
    return len(minutes & shared)


def allowed(a, m, rules) -> bool:
    modes_ok = not ({a.mode, m.mode} == {"in_person", "remote"})
    return (
        overlap_minutes(a.availability, m.availability) >= rules.min_overlap_minutes
        and modes_ok
        and (m.background_checked or not a.minor)
        and bool(a.languages & m.languages)
        and m.id not in a.exclude_mentors
        and (a.id, m.id) not in rules.rejected
        and m.capacity > 0
    )


def score(a, m, rules) -> float:
    wanted = {k.casefold(): v for k, v in a.skills.items()}
    offered = {k.casefold(): v for k, v in m.skills.items()}
    total = sum(wanted.values())
    skills = sum(min(v, offered.get(k, 0)) for k, v in wanted.items()) / total if total else 0
    a_paths = {p.casefold() for p in a.pathways}
    m_paths = {p.casefold() for p in m.pathways}
    pathways = len(a_paths & m_paths) / len(a_paths) if a_paths else 0.0
    language = len(a.languages & m.languages) / len(a.languages) if a.languages else 0.0
    same = bool(a.region) and a.region.casefold() == m.region.casefold()
    remote_ok = a.mode != "in_person" and m.mode != "in_person"
    location = 1.0 if same else (0.5 if remote_ok else 0.0)
    overlap = overlap_minutes(a.availability, m.availability)
    schedule = min(overlap, rules.schedule_target_minutes) / rules.schedule_target_minutes
    parts = {
        "skills": skills,
        "pathways": pathways,
        "schedule": schedule,
        "location": location,
        "language": language,
    }
    weights = {c: rules.weights.get(c, 0.0) for c in COMPONENTS}
    return sum(weights[c] * parts[c] for c in COMPONENTS) / sum(weights.values())


def edges(apprentices, mentors, rules):
    """Allowed (apprentice, mentor, score) triples for unlocked apprentices."""
    locked = {a for a, _ in rules.locked}
    out = []
    for a in apprentices:
        for m in mentors:
            if a.id not in locked and allowed(a, m, rules):
                s = score(a, m, rules)
                if s >= rules.min_score:
                    out.append((a.id, m.id, s))
    return out


def _milp(triples, capacity, apprentices, objective, min_count=None):
    if not triples:
        return 0.0, 0
    a_ids = sorted({t[0] for t in triples})
    m_ids = sorted(capacity)
    rows = np.zeros((len(a_ids) + len(m_ids), len(triples)))
    for k, (a, m, _) in enumerate(triples):
        rows[a_ids.index(a), k] = 1
        rows[len(a_ids) + m_ids.index(m), k] = 1
    upper = [1] * len(a_ids) + [capacity[m] for m in m_ids]
    cons = [LinearConstraint(rows, 0, upper)]
    if min_count is not None:
        cons.append(LinearConstraint(np.ones((1, len(triples))), min_count, np.inf))
    c = -np.array([1.0 if objective == "count" else t[2] for t in triples])
    res = milp(c, constraints=cons, integrality=np.ones(len(triples)), bounds=Bounds(0, 1))
    x = np.round(res.x)
    return float(sum(t[2] for t, v in zip(triples, x, strict=True) if v)), int(x.sum())


def optimum(apprentices, mentors, rules):
    """(matched count, total score, min score) of an optimal unlocked matching."""
    capacity = {m.id: m.capacity for m in mentors}
    for _, m in rules.locked:
        capacity[m] = max(capacity[m] - 1, 0)
    triples = edges(apprentices, mentors, rules)
    if rules.objective == "max_score":
        total, count = _milp(triples, capacity, apprentices, "score")
        return None, total, None
    _, best = _milp(triples, capacity, apprentices, "count")
    level = None
    if rules.objective == "max_min":
        levels = sorted({t[2] for t in triples}, reverse=True)
        for level in levels:
            kept = [t for t in triples if t[2] >= level - 1e-12]
            if _milp(kept, capacity, apprentices, "count")[1] == best:
                triples = kept
                break
    total, count = _milp(triples, capacity, apprentices, "score", min_count=best)
    return best, total, level


MEETING = {
    "in_person": "meet in person",
    "remote": "meet online",
    "either": "meet in person or online",
}


def pair_facts(a, m) -> dict:
    """A pair's explanation facts, built plainly one field at a time."""
    from matcher.schedule import format_availability, overlap_slots, total_minutes

    wanted = sorted(a.skills, key=lambda k: (k.casefold(), k))
    offered = {k.casefold() for k in m.skills}
    a_paths = {p.casefold(): p for p in a.pathways}
    windows = overlap_slots(a.availability, m.availability)
    modes = {a.mode, m.mode}
    return {
        "skills_wanted": wanted,
        "shared_skills": [k for k in wanted if k.casefold() in offered],
        "shared_pathways": sorted(
            a_paths[p.casefold()] for p in m.pathways if p.casefold() in a_paths
        ),
        "overlap_minutes": total_minutes(windows),
        "overlap_windows": format_availability(windows),
        "same_region": bool(a.region) and a.region.casefold() == m.region.casefold(),
        "region": a.region,
        "mentor_region": m.region,
        "shared_languages": sorted(
            {x.casefold() for x in a.languages} & {x.casefold() for x in m.languages}
        ),
        "meeting_mode": next((x for x in ("in_person", "remote") if x in modes), "either"),
    }


def pair_reason(facts, locked=False) -> str:
    """The one-sentence reason for a pair, from its facts."""
    wanted, shared = facts["skills_wanted"], facts["shared_skills"]
    if not wanted:
        skills = "no skills listed to learn"
    elif not shared:
        skills = f"shares none of the apprentice's {len(wanted)} skills to learn"
    else:
        listed = ", ".join(shared)
        skills = (
            f"shares {len(shared)} of the apprentice's {len(wanted)} skills to learn ({listed})"
        )
    paths = facts["shared_pathways"]
    pathways = f"both in Pathways: {', '.join(paths)}" if paths else "no shared pathway"
    windows = facts["overlap_windows"].replace("; ", ", ")
    titled = " ".join(w[:1].upper() + w[1:] if w[:1].isalpha() else w for w in windows.split(" "))
    hours = facts["overlap_minutes"] / 60
    schedule = f"meet {hours:.1f} h/week ({titled})" if windows else ""
    if facts["same_region"]:
        region = f"same region ({facts['region']})"
    elif facts["region"] or facts["mentor_region"]:
        region = f"different regions ({facts['region'] or '?'} / {facts['mentor_region'] or '?'})"
    else:
        region = ""
    parts = [skills, pathways, schedule, region, MEETING[facts["meeting_mode"]]]
    if locked:
        parts.insert(0, "Locked by a coordinator")
    text = "; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]
