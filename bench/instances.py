"""Realistic synthetic rounds for the benchmark (deterministic for a given seed)."""

from __future__ import annotations

import numpy as np

from matcher.profiles import Apprentice, Mentor, TimeSlot
from matcher.schedule import merge_slots

PATHWAYS = (
    "Data & Analytics",
    "Cybersecurity",
    "Cloud & Infrastructure",
    "Software Development",
    "IT Support",
    "GIS",
    "Project Management",
    "UX & Digital Services",
)
SKILLS = {
    "Data & Analytics": ("sql", "python", "excel", "tableau", "statistics", "power bi"),
    "Cybersecurity": ("networking", "incident response", "siem", "linux", "risk"),
    "Cloud & Infrastructure": ("azure", "aws", "linux", "terraform", "windows server"),
    "Software Development": ("python", "javascript", "git", "java", "testing", "react"),
    "IT Support": ("windows", "active directory", "customer service", "hardware", "itil"),
    "GIS": ("arcgis", "qgis", "python", "spatial sql", "cartography"),
    "Project Management": ("agile", "scrum", "budgeting", "stakeholders", "ms project"),
    "UX & Digital Services": ("figma", "accessibility", "user research", "html", "css"),
}
OTHER_LANGUAGES = ("spanish", "polish", "chinese", "arabic", "tagalog", "vietnamese")


def _zipf_choice(rng, options, size, power=1.1):
    weights = 1.0 / np.arange(1, len(options) + 1) ** power
    return rng.choice(len(options), size=size, replace=False, p=weights / weights.sum())


def _skills(rng, pathways, count):
    pool = sorted({s for p in pathways for s in SKILLS[p]})
    picks = _zipf_choice(rng, pool, min(count, len(pool)), power=0.8)
    return {pool[k]: int(rng.choice([1, 2, 3], p=[0.3, 0.45, 0.25])) for k in picks}


def _window(rng, day, start_choices, lengths):
    start = int(rng.choice(start_choices))
    return TimeSlot(day, start, min(start + int(rng.choice(lengths)), 24 * 60))


def _apprentice_week(rng):
    slots = []
    for _ in range(int(rng.choice([1, 2, 3], p=[0.3, 0.45, 0.25]))):
        kind = rng.random()
        if kind < 0.6:  # weekday evenings after class or work
            slots.append(
                _window(rng, int(rng.integers(0, 5)), range(960, 1170, 30), (60, 90, 120, 180))
            )
        elif kind < 0.85:  # weekends
            slots.append(_window(rng, int(rng.integers(5, 7)), range(540, 900, 60), (120, 180)))
        else:  # daytime for part-time students
            slots.append(_window(rng, int(rng.integers(0, 5)), range(540, 900, 60), (60, 120)))
    return merge_slots(slots)


def _mentor_week(rng):
    slots = []
    for _ in range(int(rng.choice([1, 2, 3], p=[0.25, 0.5, 0.25]))):
        kind = rng.random()
        if kind < 0.35:  # lunch hour
            slots.append(_window(rng, int(rng.integers(0, 5)), (690, 720, 750), (60, 90)))
        elif kind < 0.8:  # after work
            slots.append(_window(rng, int(rng.integers(0, 5)), range(960, 1110, 30), (60, 90, 120)))
        else:  # weekend mornings
            slots.append(_window(rng, int(rng.integers(5, 7)), range(540, 720, 60), (60, 120)))
    return merge_slots(slots)


def _languages(rng, english_share):
    langs = {"english"} if rng.random() < english_share else set()
    if rng.random() < 0.15 or not langs:
        langs.add(OTHER_LANGUAGES[int(_zipf_choice(rng, OTHER_LANGUAGES, 1, 1.5)[0])])
    return frozenset(langs)


def make_round(n_apprentices: int, n_mentors: int, seed: int = 7):
    """Apprentices and mentors of a realistic round (same seed, same round)."""
    rng = np.random.default_rng(seed)
    regions = [f"Region {k + 1}" for k in range(max(4, n_mentors // 250))]
    mentors = [_mentor(rng, j, regions) for j in range(n_mentors)]
    apprentices = [_apprentice(rng, i, regions, n_mentors) for i in range(n_apprentices)]
    return apprentices, mentors


def _pathways(rng):
    return frozenset(PATHWAYS[k] for k in _zipf_choice(rng, PATHWAYS, int(rng.integers(1, 3))))


def _mentor(rng, j, regions):
    pathways = _pathways(rng)
    return Mentor(
        id=f"M{j:06d}",
        name=f"Mentor {j}",
        department="IT",
        title="Analyst",
        pathways=pathways,
        skills=_skills(rng, sorted(pathways), int(rng.integers(3, 7))),
        capacity=int(rng.choice([1, 2, 3, 4], p=[0.4, 0.3, 0.2, 0.1])),
        availability=_mentor_week(rng),
        mode=str(rng.choice(["in_person", "remote", "either"], p=[0.25, 0.3, 0.45])),
        region=regions[int(rng.integers(len(regions)))],
        languages=_languages(rng, 0.98),
        background_checked=bool(rng.random() < 0.55),
    )


def _apprentice(rng, i, regions, n_mentors):
    pathways = _pathways(rng)
    excluded = (
        frozenset({f"M{int(rng.integers(n_mentors)):06d}"}) if rng.random() < 0.02 else frozenset()
    )
    return Apprentice(
        id=f"A{i:06d}",
        name=f"Apprentice {i}",
        partner=f"Partner {int(rng.integers(1, 9))}",
        pathways=pathways,
        skills=_skills(rng, sorted(pathways), int(rng.integers(2, 6))),
        availability=_apprentice_week(rng),
        mode=str(rng.choice(["in_person", "remote", "either"], p=[0.3, 0.35, 0.35])),
        region=regions[int(rng.integers(len(regions)))],
        languages=_languages(rng, 0.93),
        minor=bool(rng.random() < 0.12),
        exclude_mentors=excluded,
    )
