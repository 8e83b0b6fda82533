"""Celery tasks of the outcome reports: thin wrappers that call the report services."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from web.extensions import db
from web.services import report_builds

logger = logging.getLogger(__name__)


@shared_task(name=report_builds.BUILD_TASK, soft_time_limit=10 * 60)
def build_outcomes_report(scope: str) -> None:
    """Build one audience's outcomes report and keep it; a second delivery builds it again."""
    try:
        report_builds.run_build(scope)
        db.session.commit()
    except SoftTimeLimitExceeded:
        db.session.rollback()
        report_builds.mark_failed(scope, "The report took too long and was stopped.")
        raise
    except Exception as error:
        db.session.rollback()
        logger.exception("outcomes report %s failed", scope)
        report_builds.mark_failed(scope, f"The report stopped with an error: {error}")
        raise
