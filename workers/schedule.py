"""Periodic tasks run by `celery -A workers beat`: one schedule for every periodic job.

Each entry is an ordinary task, idempotent and keyed by the day it serves, so a beat that
restarts or a task delivered twice does no harm. Add a periodic job here, one entry each.

Beat is needed only in production mode (Redis named in REDIS_URL): run one `celery -A workers
beat` process beside the workers. The embedded default (no Redis) runs no periodic jobs;
run a task by hand there if needed, e.g. `flask --app web shell` and
`erase_expired_personal_data()`.
"""

from __future__ import annotations

import os
from datetime import timedelta

from celery.schedules import crontab

# Tests (and demos) make every periodic job run every N seconds instead of at its hour.
EVERY_SECONDS = os.environ.get("PATHWAYS_BEAT_EVERY_SECONDS")


def _daily(hour: int, minute: int = 0):
    if EVERY_SECONDS:
        return timedelta(seconds=float(EVERY_SECONDS))
    return crontab(hour=hour, minute=minute)


BEAT_SCHEDULE = {
    "erase-expired-personal-data": {
        "task": "workers.tasks.erase_expired_personal_data",
        "schedule": _daily(hour=3, minute=15),
    },
    "check-background-check-expiry": {
        "task": "workers.tasks.check_background_check_expiry",
        "schedule": _daily(hour=6, minute=0),
    },
    "program-year-daily-reminders": {
        "task": "workers.year_tasks.send_daily_reminders",
        "schedule": _daily(hour=14, minute=0),  # 8 am in Chicago
    },
    "retention-checks-of-hires": {
        "task": "workers.outcome_tasks.check_retention",
        "schedule": _daily(hour=14, minute=30),
    },
}
