"""Plain-language reasons for each pair and each unmatched apprentice."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from matcher.profiles import DAYS, Apprentice, MatchRules, Mentor, TimeSlot, Unmatched

logger = logging.getLogger(__name__)

RULE_TEXT = {
    "availability": "not enough shared weekly time (under {min_overlap} min)",
    "mode": "meeting mode does not fit (in person vs remote)",
    "minor": "not background-checked (required for under-18 apprentices)",
    "language": "no shared language",
    "excluded": "excluded on the apprentice's request",
    "rejected": "pair rejected by a coordinator",
    "capacity": "no places this round",
    "not_fit": "the mentor marked the apprentice as not a good fit",
}


_MODE_TEXT = {
    "in_person": "meets in person",
    "remote": "meets remotely",
    "either": "can meet in person or remotely",
}


MEETING_TEXT = {
    "in_person": "meet in person",
    "remote": "meet online",
    "either": "meet in person or online",
}


def _skill_order(skill: str) -> tuple[str, str]:
    """Skills listed alphabetically whatever their case, each as the apprentice wrote it."""
    return skill.casefold(), skill


def pair_facts(apprentice: Apprentice, mentor: Mentor) -> dict[str, object]:
    """The concrete evidence behind a pair's score (JSON-serialisable)."""
    return PairExplainer().explain_many([(apprentice, mentor, False, None)])[0][0]


class PairExplainer:
    """Facts and reasons for many pairs, each distinct piece worked out once per round.

    Gives exactly what `pair_facts` and `pair_reason` give, one pair at a time. Mentors'
    case-folded skills are built once per mentor id, and the parts that depend only on a few
    hashable fields (pathway sets, language sets, regions, modes) once per distinct value
    pair; shared windows are plain (day, start, end) tuples rather than TimeSlot objects.
    """

    def __init__(self) -> None:
        self._offered: dict[str, set[str]] = {}
        self._paths: dict[tuple[object, object], tuple[list[str], str]] = {}
        self._langs: dict[tuple[object, object], list[str]] = {}
        self._regions: dict[tuple[str, str], tuple[bool, str]] = {}
        self._modes: dict[tuple[str, str], tuple[str, str]] = {}

    def _skills_offered(self, mentor: Mentor) -> set[str]:
        # Mentor ids are unique within a round (propose_pairs checks).
        got = self._offered.get(mentor.id)
        if got is None:
            got = self._offered[mentor.id] = {k.casefold() for k in mentor.skills}
        return got

    def _pathways(self, apprentice: Apprentice, mentor: Mentor) -> tuple[list[str], str]:
        key = (apprentice.pathways, mentor.pathways)
        try:
            got = self._paths.get(key)
        except TypeError:  # unhashable collections: no sharing
            key, got = None, None
        if got is None:
            a_paths = {p.casefold(): p for p in apprentice.pathways}
            shared = sorted(
                a_paths[p.casefold()] for p in mentor.pathways if p.casefold() in a_paths
            )
            got = (shared, _pathways_text({"shared_pathways": shared}))
            if key is not None and len(a_paths) == len(apprentice.pathways):
                # (with two spellings of one pathway, which one shows depends on the set)
                self._paths[key] = got
        return got

    def _languages(self, apprentice: Apprentice, mentor: Mentor) -> list[str]:
        key = (apprentice.languages, mentor.languages)
        try:
            got = self._langs.get(key)
        except TypeError:
            key, got = None, None
        if got is None:
            got = sorted(
                {x.casefold() for x in apprentice.languages}
                & {x.casefold() for x in mentor.languages}
            )
            if key is not None:
                self._langs[key] = got
        return got

    def _region(self, region: str, mentor_region: str) -> tuple[bool, str]:
        got = self._regions.get((region, mentor_region))
        if got is None:
            same = bool(region) and region.casefold() == mentor_region.casefold()
            text = _region_text(
                {"same_region": same, "region": region, "mentor_region": mentor_region}
            )
            got = self._regions[(region, mentor_region)] = (same, text)
        return got

    def _mode(self, apprentice_mode: str, mentor_mode: str) -> tuple[str, str]:
        got = self._modes.get((apprentice_mode, mentor_mode))
        if got is None:
            mode = meeting_mode(apprentice_mode, mentor_mode)
            got = (mode, MEETING_TEXT[mode])
            self._modes[(apprentice_mode, mentor_mode)] = got
        return got

    def explain_many(self, pairs) -> list[tuple[dict[str, object], str]]:
        """`explain` for each (apprentice, mentor, locked, broken) in `pairs`, inlined."""
        out = []
        for apprentice, mentor, locked, broken in pairs:
            offered = self._skills_offered(mentor)
            wanted = sorted(apprentice.skills, key=_skill_order)
            shared = [k for k in wanted if k.casefold() in offered]
            paths = self._pathways(apprentice, mentor)
            langs = self._languages(apprentice, mentor)
            minutes, windows, titled = shared_week(apprentice.availability, mentor.availability)
            region, mentor_region = apprentice.region, mentor.region
            same = self._region(region, mentor_region)
            mode = self._mode(apprentice.mode, mentor.mode)
            facts = {
                "skills_wanted": wanted,
                "shared_skills": shared,
                "shared_pathways": list(paths[0]),
                "overlap_minutes": minutes,
                "overlap_windows": windows,
                "same_region": same[0],
                "region": region,
                "mentor_region": mentor_region,
                "shared_languages": list(langs),
                "meeting_mode": mode[0],
            }
            if broken:
                facts["breaks_rules"] = broken
            parts = ["Locked by a coordinator"] if locked else []
            parts.append(_skills_phrase(wanted, shared))
            parts.append(paths[1])
            if titled:
                parts.append(f"meet {minutes / 60:.1f} h/week ({titled})")
            if same[1]:
                parts.append(same[1])
            parts.append(mode[1])
            text = "; ".join(parts)
            out.append((facts, text[:1].upper() + text[1:]))
        return out


_HHMM = tuple(f"{t // 60:02d}:{t % 60:02d}" for t in range(24 * 60 + 1))
_DAY_TITLES = tuple(d[:1].upper() + d[1:] for d in DAYS)


def shared_week(a: Sequence[TimeSlot], b: Sequence[TimeSlot]) -> tuple[int, str, str]:
    """Minutes, formatted windows and title-cased windows two weeks share.

    The same as `total_minutes(overlap_slots(a, b))`, `format_availability(...)` and the
    reason's "Mon 17:00-19:00, Sat ..." text, computed on (day, start, end) tuples.
    """
    shared = []
    for x in a:
        day, x_start, x_end = x.day, x.start, x.end
        for y in b:
            if y.day == day:
                start = x_start if x_start > y.start else y.start
                end = x_end if x_end < y.end else y.end
                if start < end:
                    shared.append((day, start, end))
    if not shared:
        return 0, "", ""
    shared.sort()
    merged = [shared[0]]
    for slot in shared[1:]:
        last = merged[-1]
        if last[0] == slot[0] and slot[1] <= last[2]:
            merged[-1] = (last[0], last[1], max(last[2], slot[2]))
        else:
            merged.append(slot)
    minutes = 0
    spans, titled = [], []
    for day, start, end in merged:
        minutes += end - start
        span = f"{_HHMM[start]}-{_HHMM[end]}"
        spans.append(f"{DAYS[day]} {span}")
        titled.append(f"{_DAY_TITLES[day]} {span}")
    return minutes, "; ".join(spans), ", ".join(titled)


def meeting_mode(apprentice_mode: str, mentor_mode: str) -> str:
    """How a compatible pair would meet: in_person, remote or either."""
    modes = {apprentice_mode, mentor_mode}
    for mode in ("in_person", "remote"):
        if mode in modes:
            return mode
    return "either"


def pair_reason(facts: Mapping[str, object], locked: bool = False) -> str:
    """One readable sentence from a pair's facts."""
    windows = str(facts["overlap_windows"]).replace("; ", ", ")
    return _reason(facts, locked, _title_days(windows))


def _reason(facts: Mapping[str, object], locked: bool, titled_windows: str) -> str:
    if titled_windows:
        hours = int(facts["overlap_minutes"]) / 60
        schedule = f"meet {hours:.1f} h/week ({titled_windows})"
    else:
        schedule = ""
    parts = [
        _skills_text(facts),
        _pathways_text(facts),
        schedule,
        _region_text(facts),
        MEETING_TEXT[str(facts["meeting_mode"])],
    ]
    if locked:
        parts.insert(0, "Locked by a coordinator")
    text = "; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]


def _skills_text(facts) -> str:
    return _skills_phrase(facts["skills_wanted"], facts["shared_skills"])


def _skills_phrase(wanted: Sequence[str], shared: Sequence[str]) -> str:
    if not wanted:
        return "no skills listed to learn"
    if not shared:
        return f"shares none of the apprentice's {len(wanted)} skills to learn"
    listed = ", ".join(shared)
    return f"shares {len(shared)} of the apprentice's {len(wanted)} skills to learn ({listed})"


def _pathways_text(facts) -> str:
    shared = facts["shared_pathways"]
    return f"both in Pathways: {', '.join(shared)}" if shared else "no shared pathway"


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
    listed = ", ".join(f"{rule_text(r, rules)}: {c} of {n_mentors}" for r, c in ranked[:3])
    reason = (
        f"No compatible mentor: {listed}"
        if ranked
        else "No compatible mentor: no mentors in this round"
    )
    details = {"binding_rule": binding, "excluded_by_rule": dict(failures), "mentors": n_mentors}
    return Unmatched(apprentice_id, "no_compatible_mentor", reason, details)


def rule_text(rule: str, rules: MatchRules) -> str:
    """What a hard rule forbids, in words, with the round's numbers."""
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
        taken = ", ".join(
            f"{t.get('apprentice_name', t['apprentice_id'])} ({t['score']:.2f})"
            for t in rival["taken_by"]
        )
        mentor = rival.get("mentor_name", rival["mentor_id"])
        names.append(f"{mentor} ({rival['score']:.2f} with you) went to {taken}")
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
