"""A program year of random-ish raw rows: endings, surveys, goals, hires and retention checks.

The outcome report tests compute their expected figures from these rows on their own.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from web.extensions import db
from web.models import (
    Cohort,
    Goal,
    MatchStatus,
    MentorshipOutcome,
    MentorshipStatus,
    Outcome,
    OutcomeKind,
    PartnerInstitution,
    RetentionCheck,
    Skill,
    Survey,
)

DEPARTMENTS = {
    "Department of Innovation and Technology": ["IT Engineer", "Data Analyst"],
    "Department of Finance": ["Systems Analyst"],
    "Chicago Public Library": ["Help Desk Technician", "IT Engineer"],
}
ENDINGS = [
    (MentorshipStatus.ENDED, MentorshipOutcome.COMPLETED),
    (MentorshipStatus.ENDED, MentorshipOutcome.ENDED_EARLY),
    (MentorshipStatus.ACTIVE, None),
    (MentorshipStatus.AWAITING_MENTOR, None),
    (MentorshipStatus.DECLINED, MentorshipOutcome.DECLINED),
]
PATHWAYS = ["software_development", "data_analytics", "cybersecurity"]
WHEN = datetime(2027, 6, 1, tzinfo=UTC)


def build_outcomes_program(program, seed: int = 7, apprentices: int = 60) -> dict:
    """Apprentices of three partners in two cohorts, each with a mentorship and what followed."""
    rng = random.Random(seed)
    partner_c = PartnerInstitution(name="Northside University", kind="university")
    autumn = Cohort(name="2027 Autumn", starts_on=date(2027, 9, 1), ends_on=date(2028, 6, 1))
    db.session.add_all([partner_c, autumn])
    db.session.flush()
    partners = [program.partner_a, program.partner_b, partner_c]
    skills = list(db.session.scalars(select(Skill.id).order_by(Skill.id).limit(8)))
    mentors = [make_mentor() for _ in range(8)]
    for _ in range(apprentices):
        _one_apprentice(rng, program, rng.choice(partners), rng.choice([None, autumn]), mentors,
                        skills)  # fmt: skip
    db.session.commit()
    return {"partner_c": partner_c, "autumn": autumn}


def _one_apprentice(rng, program, partner, cohort, mentors, skills) -> None:
    pathways = rng.sample(PATHWAYS, rng.randint(1, 2))
    apprentice = make_apprentice(program, partner, pathways=pathways)
    if cohort is not None:
        apprentice.cohort = cohort
    mentor = rng.choice(mentors)
    match_round = make_round(apprentice.cohort, [(apprentice, mentor, MatchStatus.APPROVED)])
    status, outcome = rng.choice(ENDINGS)
    mentorship = publish_pair(match_round.matches[0], status, end_outcome=outcome)
    for person in (apprentice.user, mentor.user):
        for kind in ("pulse", "end_of_year"):
            if rng.random() < 0.6:
                db.session.add(_survey(rng, mentorship, person, kind))
    for _ in range(rng.randint(0, 3)):
        agreed = rng.random() < 0.8
        db.session.add(
            Goal(
                mentorship=mentorship,
                title="Learn a thing",
                skill_ids=rng.sample(skills, rng.randint(1, 3)),
                agreed_at=WHEN if agreed else None,
                met_at=WHEN if agreed and rng.random() < 0.5 else None,
            )
        )
    if outcome == MentorshipOutcome.COMPLETED and rng.random() < 0.7:
        _hire(rng, apprentice)
    db.session.flush()


def _survey(rng, mentorship, person, kind) -> Survey:
    answered = rng.random() < 0.85
    return Survey(
        mentorship=mentorship,
        respondent=person,
        kind=kind,
        sent_on=date(2027, 5, 1),
        answered_at=WHEN if answered else None,
        satisfaction=rng.randint(1, 5) if answered else None,
        would_recommend=rng.randint(0, 10) if answered else None,
        comment=rng.choice(["", "Great mentor", "=SUM(A1)"]) if answered else "",
    )


def _hire(rng, apprentice) -> None:
    department = rng.choice(list(DEPARTMENTS))
    outcome = Outcome(
        apprentice_id=apprentice.id,
        kind=OutcomeKind.HIRED,
        department=department,
        job_title=rng.choice(DEPARTMENTS[department]),
        occurred_on=date(2027, 12, 1),
    )
    for months in (6, 12):
        answer = rng.choice([True, True, False, None])
        outcome.retention_checks.append(
            RetentionCheck(
                months=months, due_on=date(2028, months // 6 * 6, 1), still_employed=answer
            )  # fmt: skip
        )
    db.session.add(outcome)
