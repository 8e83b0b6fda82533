"""`celery -A tests.program_year_beat beat`: the program-year schedule, firing every second.

The entries are those of workers/schedule.py with their day fixed by PATHWAYS_TEST_DAY,
so a test controls the date the jobs serve instead of waiting for it.
"""

import os

from workers import app
from workers.schedule import PROGRAM_YEAR_BEAT_SCHEDULE

app.conf.beat_schedule = {
    name: {**entry, "schedule": 1.0, "args": (os.environ["PATHWAYS_TEST_DAY"],)}
    for name, entry in PROGRAM_YEAR_BEAT_SCHEDULE.items()
}
