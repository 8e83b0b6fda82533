"""Expected outcome figures, computed in plain Python from every raw row of the database."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select

from web.extensions import db
from web.models import (
    ApprenticeProfile,
    Cohort,
    Goal,
    Mentorship,
    Outcome,
    RetentionCheck,
    Skill,
    Survey,
    User,
)


def _apprentices(partner_id=None) -> dict[int, ApprenticeProfile]:
    everyone = db.session.scalars(select(ApprenticeProfile)).all()
    return {a.id: a for a in everyone if partner_id is None or a.partner_id == partner_id}


def _cohort_names() -> dict[int, str]:
    return {c.id: c.name for c in db.session.scalars(select(Cohort))}


def _mentorships(partner_id=None) -> dict[int, Mentorship]:
    kept = _apprentices(partner_id)
    return {m.id: m for m in db.session.scalars(select(Mentorship)) if m.apprentice_id in kept}


def completion(partner_id=None) -> dict[str, dict]:
    """Cohort name -> counts of mentorships by how they stand, and the completion rate."""
    names, apprentices = _cohort_names(), _apprentices(partner_id)
    found = defaultdict(Counter)
    for m in _mentorships(partner_id).values():
        row = found[names[apprentices[m.apprentice_id].cohort_id]]
        row["mentorships"] += 1
        if m.end_outcome == "completed":
            row["completed"] += 1
        elif m.end_outcome == "ended_early":
            row["ended_early"] += 1
        elif m.status in ("active", "awaiting_mentor"):
            row["running"] += 1
        else:
            row["other"] += 1
    for row in found.values():
        ended = row["completed"] + row["ended_early"]
        row["completion_rate"] = round(row["completed"] / ended, 4) if ended else None
    return found


def nps(partner_id=None) -> dict[tuple, dict]:
    """(cohort, survey, side) -> answers, promoters, detractors, NPS and mean satisfaction."""
    names, apprentices = _cohort_names(), _apprentices(partner_id)
    ships = _mentorships(partner_id)
    roles = {u.id: u.role for u in db.session.scalars(select(User))}
    answers = defaultdict(list)
    for s in db.session.scalars(select(Survey)):
        if s.answered_at is None or s.mentorship_id not in ships:
            continue
        cohort = names[apprentices[ships[s.mentorship_id].apprentice_id].cohort_id]
        answers[cohort, s.kind, roles[s.respondent_id]].append(s)
    found = {}
    for key, given in answers.items():
        promoters = sum(1 for s in given if s.would_recommend >= 9)
        detractors = sum(1 for s in given if s.would_recommend <= 6)
        found[key] = {
            "responses": len(given),
            "promoters": promoters,
            "detractors": detractors,
            "passives": len(given) - promoters - detractors,
            "nps": round(100 * promoters / len(given) - 100 * detractors / len(given), 1),
            "mean_satisfaction": round(sum(s.satisfaction for s in given) / len(given), 2),
        }
    return found


def goals(partner_id=None) -> dict[str, dict]:
    """Cohort name -> goals proposed, agreed, met."""
    names, apprentices = _cohort_names(), _apprentices(partner_id)
    ships = _mentorships(partner_id)
    found = defaultdict(Counter)
    for g in db.session.scalars(select(Goal)):
        if g.mentorship_id in ships:
            row = found[names[apprentices[ships[g.mentorship_id].apprentice_id].cohort_id]]
            row["proposed"] += 1
            row["agreed"] += g.agreed_at is not None
            row["met"] += g.agreed_at is not None and g.met_at is not None
    return found


def skills(partner_id=None) -> dict[str, tuple[int, int]]:
    """Skill label -> (agreed goals tied to it, of which signed off)."""
    ships = _mentorships(partner_id)
    labels = {s.id: s.label for s in db.session.scalars(select(Skill))}
    agreed, met = Counter(), Counter()
    for g in db.session.scalars(select(Goal)):
        if g.mentorship_id in ships and g.agreed_at is not None:
            for skill_id in set(g.skill_ids):
                agreed[labels[skill_id]] += 1
                met[labels[skill_id]] += g.met_at is not None
    return {label: (agreed[label], met[label]) for label in agreed}


def hires(partner_id=None) -> dict[tuple[str, str], int]:
    """(department, title) -> hires."""
    apprentices = _apprentices(partner_id)
    return Counter(
        (o.department, o.job_title)
        for o in db.session.scalars(select(Outcome))
        if o.kind == "hired" and o.apprentice_id in apprentices
    )


def retention(partner_id=None) -> dict[int, dict]:
    """Months -> checks, still employed, left, waiting."""
    apprentices = _apprentices(partner_id)
    outcomes = {o.id for o in db.session.scalars(select(Outcome)) if o.apprentice_id in apprentices}
    found = defaultdict(Counter)
    for check in db.session.scalars(select(RetentionCheck)):
        if check.outcome_id in outcomes:
            row = found[check.months]
            row["checks"] += 1
            key = {True: "still_employed", False: "left", None: "awaiting_answer"}
            row[key[check.still_employed]] += 1
    return found
