"""Celery entry point: `celery -A workers worker`, and `celery -A workers beat` (schedule)."""

from web import create_app
from workers.schedule import BEAT_SCHEDULE

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.conf.beat_schedule = BEAT_SCHEDULE
app = celery_app
