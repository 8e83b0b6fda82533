"""Retention: personal data of cohorts archived longer ago than the retention period is erased.

Run daily by Celery beat (workers/schedule.py). What reports need stays: each apprentice's
row keeps partner, cohort, pathways and status (names and details go), the rounds keep
their scores, codes and reports (their reasons, which name people, go), and the cohort keeps
a snapshot of its counts. Idempotent and keyed by the day: a cohort is erased once.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from web.extensions import db
from web.models import (
    ApprenticeProfile,
    CheckIn,
    Cohort,
    MatchRound,
    Mentorship,
    ProposedMatch,
    UnmatchedApprentice,
)
from web.models.base import utcnow
from web.services import audit, erasure
from web.services.scrubbing import Replacement, scrub

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 365
ERASED_APPRENTICE = "an apprentice whose data was erased"


def cutoff(day: date, days: int) -> datetime:
    """Cohorts archived before this moment are past the retention period on `day`."""
    return datetime.combine(day, time.min, tzinfo=UTC) - timedelta(days=days)


def expired_cohorts(day: date, days: int) -> list[Cohort]:
    """Archived cohorts past the retention period whose personal data is still kept."""
    return list(
        db.session.scalars(
            select(Cohort)
            .where(
                Cohort.archived_at.is_not(None),
                Cohort.archived_at < cutoff(day, days),
                Cohort.personal_data_erased_at.is_(None),
            )
            .order_by(Cohort.id)
        )
    )


def erase_expired(day: date | None = None, days: int = DEFAULT_DAYS) -> list[int]:
    """Erase the personal data of every expired cohort on `day` (today); return their ids."""
    day = day or utcnow().date()
    erased = []
    for cohort in expired_cohorts(day, days):
        erase_cohort(cohort, days)
        erased.append(cohort.id)
    logger.info("retention on %s: %d cohort(s) erased", day, len(erased))
    return erased


def erase_cohort(cohort: Cohort, days: int) -> None:
    """Keep the cohort's counts, erase its apprentices and the reasons its rounds stored."""
    statistics = cohort_statistics(cohort)
    identities = [
        erasure.erase_apprentice_data(profile, scrub_now=False) for profile in cohort.apprentices
    ]
    _clear_round_texts(cohort)
    words = [w for who in identities if who for w in (who.name, who.email)]
    scrub(Replacement.of(words, ERASED_APPRENTICE))
    cohort.retained_statistics = statistics
    cohort.personal_data_erased_at = utcnow()
    audit.record(
        None,
        "cohort.personal_data_erased",
        cohort,
        archived_at=cohort.archived_at.isoformat(),
        retention_days=days,
        apprentices=statistics["apprentices"],
    )
    db.session.flush()


def cohort_statistics(cohort: Cohort) -> dict:
    """The counts reports need: apprentices by status, partner and pathway, pairs by outcome."""
    apprentices = cohort.apprentices
    pathways = Counter(p for a in apprentices for p in a.pathways)
    outcomes = db.session.scalars(
        select(Mentorship.end_outcome)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(ApprenticeProfile.cohort_id == cohort.id)
    )
    return {
        "apprentices": len(apprentices),
        "by_status": dict(Counter(a.status for a in apprentices)),
        "by_partner": dict(Counter(a.partner.name for a in apprentices)),
        "by_pathway": dict(pathways),
        "mentorships_by_outcome": dict(Counter(o or "running" for o in outcomes)),
        "rounds": len(cohort.rounds),
    }


def _clear_round_texts(cohort: Cohort) -> None:
    """The reasons and facts of the cohort's rounds, and its pairs' notes, name people."""
    rounds = select(MatchRound.id).where(MatchRound.cohort_id == cohort.id)
    db.session.execute(
        update(ProposedMatch)
        .where(ProposedMatch.round_id.in_(rounds))
        .values(reason="", facts={}, decision_reason="")
    )
    db.session.execute(
        update(UnmatchedApprentice)
        .where(UnmatchedApprentice.round_id.in_(rounds))
        .values(reason="Reason erased with the cohort's personal data", details={})
    )
    mentorships = (
        select(Mentorship.id)
        .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
        .where(ApprenticeProfile.cohort_id == cohort.id)
    )
    db.session.execute(
        update(Mentorship).where(Mentorship.id.in_(mentorships)).values(end_reason="")
    )
    db.session.execute(
        update(CheckIn).where(CheckIn.mentorship_id.in_(mentorships)).values(note="")
    )
