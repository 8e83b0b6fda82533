"""The program year's Celery beat schedule, merged into the Celery app's `beat_schedule`."""

from __future__ import annotations

from celery.schedules import crontab

# Each job is keyed by the day it serves, so a second run that day sends nothing again.
PROGRAM_YEAR_BEAT_SCHEDULE = {
    "program-year-daily-reminders": {
        "task": "workers.year_tasks.send_daily_reminders",
        "schedule": crontab(hour=14, minute=0),  # 8 am in Chicago
    },
}
