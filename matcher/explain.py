"""Plain-language reasons for each pair and each unmatched apprentice."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from matcher.profiles import Apprentice, MatchRules, Mentor, Unmatched
from matcher.schedule import format_availability, overlap_slots, total_minutes

logger = logging.getLogger(__name__)

RULE_TEXT = {
    "availability": "not enough shared weekly time (under {min_overlap} min)",
    "mode": "meeting mode does not fit (in person vs remote)",
    "minor": "not background-checked (required for under-18 apprentices)",
    "language": "no shared language",
    "excluded": "excluded on the apprentice's request",
    "rejected": "pair rejected by a coordinator",
    "capacity": "no places this round",
}


_MODE_TEXT = {
    "in_person": "meets in person",
    "remote": "meets remotely",
    "either": "can meet in person or remotely",
}


def pair_facts(apprentice: Apprentice, mentor: Mentor) -> dict[str, object]:
    """The concrete evidence behind a pair's score (JSON-serialisable)."""
    wanted = sorted(k.casefold() for k in apprentice.skills)
    offered = {k.casefold() for k in mentor.skills}
    a_paths = {p.casefold(): p for p in apprentice.pathways}
    shared_windows = overlap_slots(apprentice.availability, mentor.availability)
    return {
        "skills_wanted": wanted,
        "shared_skills": [k for k in wanted if k in offered],
        "shared_pathways": sorted(
            a_paths[p.casefold()] for p in mentor.pathways if p.casefold() in a_paths
        ),
        "overlap_minutes": total_minutes(shared_windows),
        "overlap_windows": format_availability(shared_windows),
        "same_region": bool(apprentice.region)
        and apprentice.region.casefold() == mentor.region.casefold(),
        "region": apprentice.region,
        "mentor_region": mentor.region,
        "shared_languages": sorted(
            {x.casefold() for x in apprentice.languages} & {x.casefold() for x in mentor.languages}
        ),
        "meeting_mode": meeting_mode(apprentice.mode, mentor.mode),
    }


def meeting_mode(apprentice_mode: str, mentor_mode: str) -> str:
    """How a compatible pair would meet: in_person, remote or either."""
    modes = {apprentice_mode, mentor_mode}
    for mode in ("in_person", "remote"):
        if mode in modes:
            return mode
    return "either"


def pair_reason(facts: Mapping[str, object], locked: bool = False) -> str:
    """One readable sentence from a pair's facts."""
    parts = [
        _skills_text(facts),
        _pathways_text(facts),
        _schedule_text(facts),
        _region_text(facts),
        f"meet {str(facts['meeting_mode']).replace('_', ' ')}",
    ]
    if locked:
        parts.insert(0, "Locked by a coordinator")
    text = "; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]


def _skills_text(facts) -> str:
    wanted, shared = facts["skills_wanted"], facts["shared_skills"]
    if not wanted:
        return "no skills listed to learn"
    if not shared:
        return f"shares none of the {len(wanted)} skills you want to learn"
    return f"shares {len(shared)} of {len(wanted)} skills you want to learn ({', '.join(shared)})"


def _pathways_text(facts) -> str:
    shared = facts["shared_pathways"]
    return f"both in Pathways: {', '.join(shared)}" if shared else "no shared pathway"


def _schedule_text(facts) -> str:
    hours = int(facts["overlap_minutes"]) / 60
    windows = str(facts["overlap_windows"]).replace("; ", ", ")
    return f"meet {hours:.1f} h/week ({_title_days(windows)})" if windows else ""


def _title_days(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if w[:1].isalpha() else w for w in text.split(" "))


def _region_text(facts) -> str:
    if facts["same_region"]:
        return f"same region ({facts['region']})"
    if facts["region"] or facts["mentor_region"]:
        return f"different regions ({facts['region'] or '?'} / {facts['mentor_region'] or '?'})"
    return ""


def no_compatible(
    apprentice_id: str, failures: Mapping[str, int], n_mentors: int, rules: MatchRules
) -> Unmatched:
    """Unmatched because every mentor breaks at least one hard rule."""
    ranked = sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))
    ranked = [(rule, count) for rule, count in ranked if count]
    binding = ranked[0][0] if ranked else "no_mentors"
    listed = ", ".join(f"{_rule_text(r, rules)}: {c} of {n_mentors}" for r, c in ranked[:3])
    reason = (
        f"No compatible mentor: {listed}"
        if ranked
        else "No compatible mentor: no mentors in this round"
    )
    details = {"binding_rule": binding, "excluded_by_rule": dict(failures), "mentors": n_mentors}
    return Unmatched(apprentice_id, "no_compatible_mentor", reason, details)


def _rule_text(rule: str, rules: MatchRules) -> str:
    return RULE_TEXT[rule].format(min_overlap=rules.min_overlap_minutes)


def below_min_score(
    apprentice_id: str, best: float, n_feasible: int, rules: MatchRules
) -> Unmatched:
    """Unmatched because every compatible mentor scores under the coordinator's minimum."""
    reason = (
        f"{n_feasible} compatible mentor(s), but the best scores {best:.2f}, "
        f"below the minimum score {rules.min_score:.2f}"
    )
    details = {
        "best_score": round(best, 4),
        "compatible_mentors": n_feasible,
        "min_score": rules.min_score,
    }
    return Unmatched(apprentice_id, "below_min_score", reason, details)


def capacity_taken(apprentice_id: str, rivals: Sequence[Mapping[str, object]]) -> Unmatched:
    """Unmatched because compatible mentors' places went to other pairs (named)."""
    names = []
    higher = True
    for rival in rivals[:3]:
        taken = ", ".join(f"{t['apprentice_id']} ({t['score']:.2f})" for t in rival["taken_by"])
        names.append(f"{rival['mentor_id']} ({rival['score']:.2f} with you) went to {taken}")
        higher &= all(t["score"] >= rival["score"] for t in rival["taken_by"])
    why = (
        "pairs that scored higher"
        if higher
        else "other apprentices so that more apprentices could be matched overall"
    )
    reason = f"Compatible mentors' places went to {why}: " + "; ".join(names)
    if not rivals:
        reason = "Compatible mentors exist but were not selected by the objective"
    details = {"compatible_mentors": list(rivals), "outscored": higher}
    return Unmatched(apprentice_id, "capacity_taken", reason, details)


def not_shortlisted(apprentice_id: str, allowed: int) -> Unmatched:
    """Unmatched on the large-round path: allowed mentors exist but none was shortlisted."""
    reason = (
        f"{allowed} compatible mentor(s) exist, but none made this large round's "
        "shortlist of best candidates; run a smaller round (or the exact solver) to "
        "consider them all"
    )
    return Unmatched(apprentice_id, "not_shortlisted", reason, {"compatible_mentors": allowed})
