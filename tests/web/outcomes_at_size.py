"""Finished pairs, hires and retention checks in the sized program of the query-count tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from web.extensions import db
from web.models import (
    Mentorship,
    MentorshipOutcome,
    MentorshipStatus,
    Outcome,
    OutcomeKind,
    RetentionCheck,
    User,
)
from web.services import mentorships

HIRED_ON = date(2025, 6, 2)


def finish_some_with_outcomes(coordinator: User) -> None:
    """Every fourth running pair completes; its apprentice is hired and checked at 6 months."""
    running = db.session.scalars(
        select(Mentorship)
        .where(Mentorship.status == MentorshipStatus.ACTIVE)
        .order_by(Mentorship.id)
    ).all()
    for mentorship in running[1::4]:
        mentorships.end_mentorship(mentorship, MentorshipOutcome.COMPLETED, "", coordinator)
        hire = Outcome(
            apprentice_id=mentorship.apprentice_id,
            kind=OutcomeKind.HIRED,
            department="Department of Finance",
            job_title="Programmer/Analyst",
            occurred_on=HIRED_ON,
            entered_by=coordinator,
        )
        hire.retention_checks = [RetentionCheck(months=6, due_on=date(2025, 12, 2))]
        db.session.add(hire)
    db.session.commit()
