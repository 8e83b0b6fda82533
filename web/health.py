"""Health endpoints for load balancers and container healthchecks: `/healthz` and `/readyz`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from web.extensions import db

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

# Seconds each dependency may take to answer before it counts as down.
CHECK_TIMEOUT = 1.0


class NoWorker(Exception):
    """No Celery worker consuming the app's queue answered."""


@bp.get("/healthz")
def healthz():
    """The process is alive and serving requests; no dependency is touched."""
    return _no_store(jsonify(status="alive")), 200


@bp.get("/readyz")
def readyz():
    """Every dependency answers: the database, Redis and a worker on the app's queue."""
    checks = readiness_checks()
    ready = all(check["ok"] for check in checks.values())
    body = jsonify(status="ready" if ready else "not ready", checks=checks)
    return _no_store(body), 200 if ready else 503


def readiness_checks() -> dict[str, dict]:
    """Each dependency's state and latency; Redis and the worker are in-process without Redis."""
    checks = {"database": _timed(_check_database)}
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        in_process = {"ok": True, "mode": "in-process (no Redis configured)"}
        return checks | {"redis": dict(in_process), "worker": dict(in_process)}
    checks["redis"] = _timed(lambda: _check_redis(redis_url))
    if checks["redis"]["ok"]:
        checks["worker"] = _timed(_check_worker)
    else:
        checks["worker"] = {"ok": False, "error": "not checked: Redis does not answer"}
    return checks


def _timed(check: Callable[[], dict]) -> dict:
    """Run `check`, adding its latency; any exception makes the dependency not ready."""
    started = time.perf_counter()
    try:
        result = {"ok": True} | check()
    except Exception as error:  # any failure at all means "not ready"
        logger.warning("readiness check failed: %r", error)
        result = {"ok": False, "error": _describe(error)}
    result["latency_ms"] = round(1000 * (time.perf_counter() - started), 1)
    return result


def _describe(error: Exception) -> str:
    """The kind of failure; details such as host names stay in the log, not in the answer."""
    if isinstance(error, NoWorker):
        return str(error)
    return type(error).__name__


def _check_database() -> dict:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"engine": db.engine.dialect.name}


def _check_redis(url: str) -> dict:
    client = redis.Redis.from_url(
        url, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()
    return {}


def _check_worker() -> dict:
    """At least one Celery worker consumes this app's queue and answers within the timeout."""
    celery = current_app.extensions["celery"]
    queue = celery.conf.task_default_queue
    replies = celery.control.inspect(timeout=CHECK_TIMEOUT).active_queues() or {}
    workers = sorted(
        name for name, queues in replies.items() if any(q.get("name") == queue for q in queues)
    )
    if not workers:
        raise NoWorker(f"no worker consuming the queue {queue!r} answered")
    return {"queue": queue, "workers": len(workers)}


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
