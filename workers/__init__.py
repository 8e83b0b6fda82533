"""Celery entry point: `celery -A workers worker`, and `celery -A workers beat` (schedule)."""

import os

from celery.signals import worker_ready, worker_shutdown
from celery.worker import state

from web import create_app
from web.services.worker_health import HEARTBEAT_SECONDS, HeartbeatLoop
from workers.schedule import BEAT_SCHEDULE

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.conf.beat_schedule = BEAT_SCHEDULE
app = celery_app
_heartbeat: dict[str, HeartbeatLoop] = {}


@worker_ready.connect
def _start_heartbeat(sender, **kwargs) -> None:
    """Beat and relay the outbox from the worker's main process while it runs."""
    interval = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS))
    loop = HeartbeatLoop(
        flask_app,
        sender.hostname,
        os.getpid(),
        lambda: [request.id for request in list(state.active_requests)],
        interval,
    )
    _heartbeat["loop"] = loop
    loop.start()


@worker_shutdown.connect
def _stop_heartbeat(**kwargs) -> None:
    if loop := _heartbeat.pop("loop", None):
        loop.stop()
