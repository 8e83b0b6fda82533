"""Read-only views of the program for coordinators: cohort counts, round pairs, the audit log."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from matcher.readiness import check_readiness
from web.csv_cells import safe_row
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    AuditEvent,
    Cohort,
    MentorProfile,
    Mentorship,
    PartnerInstitution,
    User,
)
from web.services import audit_subjects, kept_figures, round_inputs
from web.services.matching_inputs import (
    counted_apprentices,
    counted_mentors,
    may_be_matched,
    rules_from_parameters,
)
from web.services.paging import Page, paginate  # noqa: F401  (the audit page's paging)
from web.services.rounds import LIVE_MENTORSHIPS, MATCHABLE, places_taken

logger = logging.getLogger(__name__)


def status_counts_by_cohort() -> dict[int, Counter]:
    """Cohort id -> how many apprentices it has in each status, kept until the program changes."""
    figures = kept_figures.kept("statuses by cohort", _count_statuses_by_cohort)
    return {int(cohort_id): Counter(counts) for cohort_id, counts in figures.items()}


def _count_statuses_by_cohort() -> dict[str, dict[str, int]]:
    rows = db.session.execute(
        select(ApprenticeProfile.cohort_id, ApprenticeProfile.status, func.count()).group_by(
            ApprenticeProfile.cohort_id, ApprenticeProfile.status
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for cohort_id, status, n in rows:
        counts.setdefault(str(cohort_id), {})[status] = n
    return counts


@dataclass(frozen=True)
class CohortSummary:
    """Headline numbers of one cohort: apprentices by status and partner, mentors' places."""

    by_status: Counter
    by_partner: Counter
    matchable: int
    mentors: int
    places: int
    places_taken: int
    awaiting_consent: int = 0

    @property
    def places_free(self) -> int:
        """Places still open to this round."""
        return max(self.places - self.places_taken, 0)


def cohort_summary(cohort: Cohort) -> CohortSummary:
    """The cohort's headline numbers, counted in SQL and kept until the program changes."""
    figures = kept_figures.kept(f"cohort:{cohort.id}", lambda: _count_cohort(cohort))
    return CohortSummary(
        by_status=Counter(figures["by_status"]),
        by_partner=Counter(figures["by_partner"]),
        matchable=figures["matchable"],
        awaiting_consent=figures["awaiting_consent"],
        mentors=figures["mentors"],
        places=figures["places"],
        places_taken=figures["places_taken"],
    )


def _count_cohort(cohort: Cohort) -> dict:
    """Apprentices by status and partner, and the places accepting mentors offer."""
    by_status = db.session.execute(
        select(ApprenticeProfile.status, func.count())
        .where(ApprenticeProfile.cohort_id == cohort.id)
        .group_by(ApprenticeProfile.status)
    )
    by_partner = db.session.execute(
        select(PartnerInstitution.name, func.count())
        .join(ApprenticeProfile, ApprenticeProfile.partner_id == PartnerInstitution.id)
        .where(ApprenticeProfile.cohort_id == cohort.id)
        .group_by(PartnerInstitution.name)
    )
    mentors, places, taken = _accepting_places()
    return {
        "by_status": dict(by_status.all()),
        "by_partner": dict(by_partner.all()),
        "matchable": _matchable_count(cohort),
        "awaiting_consent": _awaiting_consent_count(cohort),
        "mentors": mentors,
        "places": places,
        "places_taken": taken,
    }


def _accepting_places() -> tuple[int, int, int]:
    """Accepting mentors, their places, and the places running mentorships take of them."""
    live = (
        select(Mentorship.mentor_id, func.count().label("n"))
        .where(Mentorship.status.in_(LIVE_MENTORSHIPS))
        .group_by(Mentorship.mentor_id)
        .subquery()
    )
    taken = func.min(MentorProfile.capacity, func.coalesce(live.c.n, 0))
    if db.session.get_bind().dialect.name == "postgresql":
        taken = func.least(MentorProfile.capacity, func.coalesce(live.c.n, 0))
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(MentorProfile.capacity), 0),
            func.coalesce(func.sum(taken), 0),
        )
        .select_from(MentorProfile)
        .outerjoin(live, live.c.mentor_id == MentorProfile.id)
        .where(MentorProfile.accepting, counted_mentors())
    ).one()
    return int(row[0]), int(row[1]), int(row[2])  # PostgreSQL sums are numeric


def _matchable_count(cohort: Cohort) -> int:
    """How many of the cohort's apprentices the next round takes (verified, waiting)."""
    return db.session.scalar(
        select(func.count()).where(
            ApprenticeProfile.cohort_id == cohort.id,
            ApprenticeProfile.status.in_(MATCHABLE),
            counted_apprentices(),
            may_be_matched(),
        )
    )


def _awaiting_consent_count(cohort: Cohort) -> int:
    """How many of the cohort's waiting minors still wait for a guardian's consent."""
    return db.session.scalar(
        select(func.count()).where(
            ApprenticeProfile.cohort_id == cohort.id,
            ApprenticeProfile.status.in_(MATCHABLE),
            ApprenticeProfile.is_minor.is_(True),
            ApprenticeProfile.guardian_consent_at.is_(None),
        )
    )


def cohort_readiness(cohort: Cohort, parameters: dict) -> dict:
    """The matcher's readiness check on the apprentices the next round would take."""
    try:
        apprentices = round_inputs.load_apprentices(
            ApprenticeProfile.cohort_id == cohort.id,
            ApprenticeProfile.status.in_(MATCHABLE),
            counted_apprentices(),
            may_be_matched(),
        )
        mentors = round_inputs.load_mentors(
            MentorProfile.accepting, counted_mentors(), taken=places_taken()
        )
        result = check_readiness(apprentices, mentors, rules_from_parameters(parameters))
    except (ValueError, TypeError) as error:
        # A damaged profile must not hide the cohort page; a round would fail on it too.
        logger.warning("readiness check of cohort %s failed: %s", cohort.id, error)
        return {"error": f"The readiness check could not run: {error}"}
    # Names only of the apprentices the check lists, so the kept result stays small.
    listed = {row["apprentice_id"] for row in result.get("no_compatible_mentor", [])}
    return result | {"names": {a.id: a.name for a in apprentices if a.id in listed}}


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit log page (all optional)."""

    action: str = ""
    who: str = ""  # part of the actor's name or email, any case
    date_from: date | None = None
    date_to: date | None = None


def audit_select(query: AuditQuery) -> Select:
    """The audit events matching `query`, newest first."""
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if query.action:
        stmt = stmt.where(AuditEvent.action == query.action)
    if query.who:
        stmt = stmt.where(AuditEvent.actor_id.in_(_actors_called(query.who)))
    if query.date_from:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(query.date_from, time(), UTC))
    # The last day a calendar can hold has no next day to stop before: it means "no end".
    if query.date_to and query.date_to < date.max:
        end = datetime.combine(query.date_to + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditEvent.at < end)
    return stmt


def audit_actions() -> list[str]:
    """Every action name the log holds, for the filter's choices."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by("action")))


def _actors_called(who: str) -> Select:
    """The ids of the accounts whose name or email contains `who`, in any case."""
    part = who.casefold()
    return select(User.id).where(
        or_(
            func.lower(User.name).contains(part, autoescape=True),
            func.lower(User.email).contains(part, autoescape=True),
        )
    )


# Events read per statement while streaming the CSV (the driver keeps a server-side cursor).
CSV_BATCH = 1000
AUDIT_COLUMNS = (
    "when",
    "actor",
    "action",
    "subject",
    "subject_type",
    "subject_id",
    "reason",
    "details",
)


def audit_csv(query: AuditQuery) -> Iterator[str]:
    """The filtered audit log as CSV text, one event a row, given out a batch at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_COLUMNS)
    events = db.session.scalars(
        audit_select(query)
        .options(joinedload(AuditEvent.actor))
        .execution_options(yield_per=CSV_BATCH)
    )
    for batch in events.partitions():
        subjects = audit_subjects.describe(batch)
        for event in batch:
            writer.writerow(safe_row(_audit_row(event, subjects)))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def _audit_row(event: AuditEvent, subjects: dict) -> list:
    return [
        event.at.isoformat(timespec="seconds"),
        event.actor.email if event.actor else "system",
        event.action,
        audit_subjects.text_of(subjects, event),
        event.subject_type,
        event.subject_id,
        event.reason,
        json.dumps(event.details, sort_keys=True) if event.details else "",
    ]
