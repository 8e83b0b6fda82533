"""`celery -A tests.outcomes_beat beat`: the retention job of the schedule, every second.

The entry is the one in workers/schedule.py with its day fixed by PATHWAYS_TEST_DAY, so a
test controls the date the job serves instead of waiting for it.
"""

import os

from workers import app
from workers.schedule import BEAT_SCHEDULE

RETENTION_JOB = "workers.outcome_tasks.check_retention"

app.conf.beat_schedule = {
    name: {**entry, "schedule": 1.0, "args": (os.environ["PATHWAYS_TEST_DAY"],)}
    for name, entry in BEAT_SCHEDULE.items()
    if entry["task"] == RETENTION_JOB
}
