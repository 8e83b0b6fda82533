"""Outcome reports built on the worker, with their progress, kept until the program changes.

A page reads the kept build of its audience (one statement) and the program's fingerprint
(one statement); when they differ it asks the worker for a new build and shows its progress,
with the previous figures meanwhile. The worker writes progress in short transactions of
its own, so the page sees it while the build runs.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from web.database import insert_on_conflict
from web.extensions import db
from web.models import (
    AuditEvent,
    BuildStatus,
    Goal,
    Mentorship,
    Outcome,
    ReportBuild,
    RetentionCheck,
    Survey,
)
from web.models.base import utcnow
from web.services import outbox
from web.services.outcome_reports import ReportScope, build_report

logger = logging.getLogger(__name__)

BUILD_TASK = "workers.report_tasks.build_outcomes_report"
PROGRAM = "program"
# A build asked for and not started after this long (a lost task) may be asked for again.
ASK_AGAIN_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class KeptReport:
    """The report a page shows, whether it is up to date, and the build under way."""

    build: ReportBuild | None
    current: bool
    unreachable: bool = False

    @property
    def result(self) -> dict | None:
        """The figures last computed, or None before the first build finished."""
        return self.build.result if self.build else None

    @property
    def building(self) -> bool:
        """True while a build waits for the worker or runs."""
        return bool(self.build) and self.build.status in (BuildStatus.QUEUED, BuildStatus.RUNNING)


def scope_key(partner_id: int | None) -> str:
    """The kept build's name: the program's, or one partner's."""
    return PROGRAM if partner_id is None else f"partner:{partner_id}"


def scope_of(key: str) -> ReportScope:
    """The report scope a kept build's name stands for."""
    if key == PROGRAM:
        return ReportScope()
    kind, _, number = key.partition(":")
    if kind != "partner" or not number.isdecimal():
        raise ValueError(f"not a report scope: {key!r}")
    return ReportScope(partner_id=int(number))


def report_for_page(partner_id: int | None) -> KeptReport:
    """The kept report of this audience; a new build is asked of the worker if out of date."""
    key = scope_key(partner_id)
    now_print = fingerprint()
    kept = kept_build(key)
    if _up_to_date(kept, now_print):
        return KeptReport(kept, current=True)
    unreachable = False
    if _claim_request(key):
        try:
            outbox.send_unsaved(BUILD_TASK, key)
        except Exception:
            # The page still shows what it has; the next view asks again.
            logger.exception("could not ask for the outcomes report %s", key)
            _release_request(key)
            unreachable = True
        kept = kept_build(key)  # in-process tasks have already written it
    return KeptReport(kept, _up_to_date(kept, now_print), unreachable)


def _up_to_date(kept: ReportBuild | None, now_print: str) -> bool:
    return (
        kept is not None
        and kept.result is not None
        and kept.fingerprint == now_print
        and kept.status == BuildStatus.SUCCEEDED
    )


def run_build(key: str) -> ReportBuild:
    """Compute the report of `key`, writing progress as it goes (the worker's task)."""
    scope = scope_of(key)
    seen = fingerprint()
    _write(key, status=BuildStatus.RUNNING, progress=0.0, started_at=utcnow(), error=None)

    def on_progress(fraction: float, section: str) -> None:
        _write(key, progress=round(fraction, 3), progress_message=section)

    result = build_report(scope, on_progress)
    build = kept_build(key)
    build.fingerprint, build.result, build.computed_at = seen, result, utcnow()
    build.status, build.progress, build.requested_at = BuildStatus.SUCCEEDED, 1.0, None
    build.progress_message = ""
    db.session.flush()
    return build


def mark_failed(key: str, error: str) -> None:
    """Record that the build stopped, so the page says so and the next view asks again."""
    _write(key, status=BuildStatus.FAILED, error=error, requested_at=None)


def fingerprint() -> str:
    """What the figures depend on, summed up in one statement: any change shows here.

    Endings, survey answers, goals and outcomes are all audited; the counts catch changes
    made around the app (imports of outcomes, the retention task).
    """
    answered = Survey.answered_at.is_not(None)
    row = db.session.execute(
        select(
            select(func.max(AuditEvent.id)).scalar_subquery(),
            select(func.count()).select_from(Mentorship).scalar_subquery(),
            select(func.count()).where(answered).scalar_subquery(),
            select(func.count()).where(Goal.met_at.is_not(None)).scalar_subquery(),
            select(func.count()).select_from(Outcome).scalar_subquery(),
            select(func.max(Outcome.id)).scalar_subquery(),
            select(func.count())
            .where(RetentionCheck.still_employed.is_not(None))
            .scalar_subquery(),
        )
    ).one()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:32]


def kept_build(key: str) -> ReportBuild | None:
    """The kept build of `key`, read afresh from the database."""
    return db.session.scalar(
        select(ReportBuild)
        .where(ReportBuild.scope == key)
        .execution_options(populate_existing=True)
    )


def progress_of(key: str) -> dict:
    """Status, progress (0-1) and the section being computed, for the progress script."""
    build = kept_build(key)
    if build is None:
        return {"status": BuildStatus.QUEUED.value, "progress": 0.0, "message": ""}
    return {
        "status": build.status,
        "progress": round(build.progress or 0.0, 3),
        "message": build.progress_message or "",
    }


def _claim_request(key: str) -> bool:
    """Note, in its own short transaction, that a build is asked for; False if one already is."""
    now = utcnow()
    with db.engine.begin() as connection:
        connection.execute(
            insert_on_conflict(ReportBuild)
            .values(
                scope=key,
                fingerprint="",
                status=BuildStatus.QUEUED,
                progress=0.0,
                progress_message="",
            )
            .on_conflict_do_nothing(index_elements=["scope"])
        )
        claimed = connection.execute(
            update(ReportBuild)
            .where(
                ReportBuild.scope == key,
                ReportBuild.requested_at.is_(None)
                | (ReportBuild.requested_at < now - ASK_AGAIN_AFTER),
            )
            .values(requested_at=now, status=BuildStatus.QUEUED, progress=0.0, error=None)
        ).rowcount
    return bool(claimed)


def _release_request(key: str) -> None:
    """Forget a request the broker refused, so the next view asks again."""
    _write(key, requested_at=None)


def _write(key: str, **values) -> None:
    """Update the kept build in its own transaction, visible to pages at once."""
    with db.engine.begin() as connection:
        connection.execute(update(ReportBuild).where(ReportBuild.scope == key).values(**values))
