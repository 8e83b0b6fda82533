"""A cohort's readiness check, computed by the worker and kept until the program changes.

At state size the check reads every profile and runs the matcher's analysis: too much for
each view of the cohort page. The page reads the kept check (one statement), compares the
program's fingerprint (one short statement), and asks the worker for a new check when they
differ.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from web.database import insert_on_conflict
from web.extensions import db
from web.models import AuditEvent, Cohort, ReadinessCheck
from web.models.base import utcnow
from web.services import kept_figures, outbox, reports

logger = logging.getLogger(__name__)

CHECK_TASK = "workers.tasks.check_readiness"
# A check asked for and not done after this long (a lost task) may be asked for again.
ASK_AGAIN_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class KeptCheck:
    """The readiness shown on the cohort page, and whether it is up to date."""

    result: dict | None
    computed_at: datetime | None
    current: bool
    unreachable: bool = False


def readiness_for_page(cohort: Cohort, parameters: dict) -> KeptCheck:
    """The kept check for these settings; a new one is asked of the worker if out of date."""
    key = parameters_key(parameters)
    now_print = fingerprint(cohort.id)
    kept = _kept(cohort.id, key)
    if kept is not None and kept.fingerprint == now_print and kept.result is not None:
        return KeptCheck(kept.result, kept.computed_at, current=True)
    unreachable = False
    if _claim_request(cohort.id, key):
        try:
            outbox.send_unsaved(CHECK_TASK, cohort.id, parameters)
        except Exception:
            # The page still shows what it can; the next view asks again.
            logger.exception("could not ask for the readiness check of cohort %s", cohort.id)
            _release_request(cohort.id, key)
            unreachable = True
        kept = _kept(cohort.id, key)  # in-process tasks have already written it
    if kept is None or kept.result is None:
        return KeptCheck(None, None, current=False, unreachable=unreachable)
    current = kept.fingerprint == now_print
    return KeptCheck(kept.result, kept.computed_at, current, unreachable)


def run_check(cohort_id: int, parameters: dict) -> None:
    """Compute the check and keep it with the fingerprint of the program it saw (the worker)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        return
    seen = fingerprint(cohort_id)
    result = reports.cohort_readiness(cohort, parameters)
    key = parameters_key(parameters)
    kept = _kept(cohort_id, key) or ReadinessCheck(cohort_id=cohort_id, parameters_key=key)
    kept.fingerprint, kept.result, kept.computed_at = seen, result, utcnow()
    kept.requested_at = None
    db.session.add(kept)
    db.session.flush()


def parameters_key(parameters: dict) -> str:
    """A short, stable name of a set of round settings."""
    text = json.dumps(parameters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def fingerprint(cohort_id: int) -> str:
    """What the check depends on, summed up in one short statement: any change shows here.

    The program's version is raised by every commit that changes people, pairs or rounds
    (web/services/kept_figures.py); every change people make through the app is audited too.
    The same for every cohort: a mentor's change concerns them all.
    """
    row = db.session.execute(
        select(kept_figures.version_now(), select(func.max(AuditEvent.id)).scalar_subquery())
    ).one()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:32]


def _kept(cohort_id: int, key: str) -> ReadinessCheck | None:
    return db.session.scalar(
        select(ReadinessCheck)
        .where(ReadinessCheck.cohort_id == cohort_id, ReadinessCheck.parameters_key == key)
        .execution_options(populate_existing=True)
    )


def _claim_request(cohort_id: int, key: str) -> bool:
    """Note, in its own short transaction, that a check is asked for; False if one already is."""
    now = utcnow()
    insert = insert_on_conflict(ReadinessCheck)
    with db.engine.begin() as connection:
        connection.execute(
            insert.values(
                cohort_id=cohort_id, parameters_key=key, fingerprint=""
            ).on_conflict_do_nothing(index_elements=["cohort_id", "parameters_key"])
        )
        claimed = connection.execute(
            update(ReadinessCheck)
            .where(
                ReadinessCheck.cohort_id == cohort_id,
                ReadinessCheck.parameters_key == key,
                ReadinessCheck.requested_at.is_(None)
                | (ReadinessCheck.requested_at < now - ASK_AGAIN_AFTER),
            )
            .values(requested_at=now)
        ).rowcount
    return bool(claimed)


def _release_request(cohort_id: int, key: str) -> None:
    """Forget a request the broker refused, so the next view asks again."""
    with db.engine.begin() as connection:
        connection.execute(
            update(ReadinessCheck)
            .where(ReadinessCheck.cohort_id == cohort_id, ReadinessCheck.parameters_key == key)
            .values(requested_at=None)
        )
