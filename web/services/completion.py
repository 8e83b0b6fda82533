"""Closing a cohort's program year: each live pair completed or ended early, then the emails.

The coordinator's decisions are written in one transaction; the emails (the apprentice's
certificate link, the partner told) go out on the worker, which reports its progress.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from web.database import enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    Cohort,
    CohortYearClosing,
    MentorProfile,
    Mentorship,
    MentorshipOutcome,
    MentorshipStatus,
    PartnerInstitution,
    User,
    YearClosingStatus,
)
from web.models.base import utcnow
from web.services import audit
from web.services.mentorships import LIVE, end_mentorship

logger = logging.getLogger(__name__)
CLOSING_TASK = "workers.outcome_tasks.send_year_closing_emails"
CLOSING_OUTCOMES = (MentorshipOutcome.COMPLETED, MentorshipOutcome.ENDED_EARLY)


class ClosingRefused(DomainError):
    """The year cannot be closed: already closed, archived, or a pair's decision is missing."""


@dataclass(frozen=True)
class PairDecision:
    """How one pair's year ends, and why when it ended early."""

    outcome: str
    reason: str = ""


def live_pairs(cohort: Cohort) -> list[Mentorship]:
    """The cohort's pairs still waiting for the mentor or running, with both people loaded."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
            .where(ApprenticeProfile.cohort_id == cohort.id, Mentorship.status.in_(LIVE))
            .order_by(Mentorship.id)
            # The page names both people of each pair and the apprentice's partner.
            .options(
                joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.user),
                joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.partner),
                joinedload(Mentorship.apprentice).lazyload(ApprenticeProfile.skills),
                joinedload(Mentorship.mentor).lazyload(MentorProfile.skills),
                selectinload(Mentorship.match),
            )
        )
    )


def decision_problems(pairs: list[Mentorship], decisions: dict[int, PairDecision]) -> dict:
    """Mentorship id -> what is wrong with its decision; empty when every pair is decided."""
    problems = {}
    for mentorship in pairs:
        decision = decisions.get(mentorship.id)
        if decision is None or decision.outcome not in CLOSING_OUTCOMES:
            problems[mentorship.id] = _("Choose completed or ended early.")
        elif decision.outcome == MentorshipOutcome.ENDED_EARLY and not decision.reason.strip():
            problems[mentorship.id] = _("Say why this pair ended early.")
        elif len(decision.reason) > 2000:
            problems[mentorship.id] = _("Keep the reason under 2,000 characters.")
    return problems


def close_year(
    cohort: Cohort, decisions: dict[int, PairDecision], actor: User
) -> CohortYearClosing:
    """End every live pair as decided, mark the year closed, and queue the emails."""
    # One closing at a time: a second coordinator (or a double click) waits, then is refused.
    db.session.refresh(cohort, with_for_update=True)
    if cohort.year_closed:
        raise ClosingRefused(_("This cohort's program year is already closed."))
    if cohort.archived:
        raise ClosingRefused(_("This cohort is archived: its year cannot be closed any more."))
    pairs = live_pairs(cohort)
    if problems := decision_problems(pairs, decisions):
        raise ClosingRefused(
            _("%(count)s pair(s) need a decision or a reason.", count=len(problems))
        )
    closing = CohortYearClosing(cohort=cohort, closed_by=actor)
    db.session.add(closing)
    db.session.flush()  # the closing's time comes first: the pairs end after it
    for mentorship in pairs:
        decision = decisions[mentorship.id]
        end_mentorship(mentorship, MentorshipOutcome(decision.outcome), decision.reason, actor)
    closing.completed_count = sum(
        decisions[m.id].outcome == MentorshipOutcome.COMPLETED for m in pairs
    )
    closing.ended_early_count = len(pairs) - closing.completed_count
    cohort.year_closed_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "cohort.year_closed",
        cohort,
        completed=closing.completed_count,
        ended_early=closing.ended_early_count,
    )
    enqueue_after_commit(CLOSING_TASK, closing.id, about=closing)
    return closing


def send_again(closing: CohortYearClosing, actor: User) -> None:
    """Queue a stopped closing's emails once more; those already sent are not sent again."""
    if closing.status != YearClosingStatus.FAILED:
        raise ClosingRefused(_("These emails are not stopped: nothing to send again."))
    closing.status = YearClosingStatus.QUEUED
    closing.error = None
    closing.progress_message = ""
    closing.finished_at = None
    db.session.flush()
    audit.record(actor, "cohort.year_closing_resent", closing, cohort_id=closing.cohort_id)
    enqueue_after_commit(CLOSING_TASK, closing.id, about=closing)


def closing_of(cohort: Cohort) -> CohortYearClosing | None:
    """The cohort's year closing, if its year was closed."""
    return db.session.scalar(
        select(CohortYearClosing).where(CohortYearClosing.cohort_id == cohort.id)
    )


def closed_pairs(closing: CohortYearClosing) -> list[Mentorship]:
    """The pairs this closing ended, with the people the emails go to."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
            .where(
                ApprenticeProfile.cohort_id == closing.cohort_id,
                Mentorship.status == MentorshipStatus.ENDED,
                Mentorship.end_outcome.in_(CLOSING_OUTCOMES),
                Mentorship.ended_at >= closing.created_at,
            )
            .order_by(Mentorship.id)
            .options(
                joinedload(Mentorship.apprentice).joinedload(ApprenticeProfile.user),
                joinedload(Mentorship.apprentice)
                .joinedload(ApprenticeProfile.partner)
                .selectinload(PartnerInstitution.contacts),
                joinedload(Mentorship.apprentice).lazyload(ApprenticeProfile.skills),
                joinedload(Mentorship.mentor).joinedload(MentorProfile.user),
                joinedload(Mentorship.mentor).lazyload(MentorProfile.skills),
            )
        )
    )


def start_sending(closing: CohortYearClosing, total: int) -> None:
    """The worker has the job: it will send `total` emails."""
    closing.status = YearClosingStatus.RUNNING
    closing.started_at = closing.started_at or utcnow()
    closing.emails_total = total
    report_progress(closing)


def report_progress(closing: CohortYearClosing) -> None:
    """Bring the progress bar and its words up to date with the emails sent."""
    total = closing.emails_total
    closing.progress = closing.emails_sent / total if total else 1.0
    closing.progress_message = ""  # a note only while something is wrong (see the task)


def finish(closing: CohortYearClosing, error: str | None = None) -> None:
    """The job is over: every email went out, or it stopped with `error`."""
    closing.status = YearClosingStatus.FAILED if error else YearClosingStatus.SUCCEEDED
    closing.error = error
    closing.finished_at = utcnow()
    if not error:
        closing.progress = 1.0
