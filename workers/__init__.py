"""Celery worker entry point: `celery -A workers worker`."""

from web import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
app = celery_app
