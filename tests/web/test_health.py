"""/healthz and /readyz, against the real PostgreSQL, Redis and a Celery worker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from tests.conftest import require_service
from tests.services import (
    REDIS_BASE_URL,
    ROOT,
    celery_worker,
    postgres_reachable,
    redis_reachable,
    scratch_database,
)
from web import create_app
from web.config import celery_settings
from web.extensions import db


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def production_app(tmp_path):
    """Build apps in production mode; their database connections are closed afterwards."""
    apps = []

    def build(database_url: str, redis_url: str, queue: str):
        apps.append(_production_app(tmp_path, database_url, redis_url, queue))
        return apps[-1]

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _production_app(tmp_path, database_url: str, redis_url: str, queue: str):
    """An app in production mode: PostgreSQL, Redis as broker, tasks for `queue`."""
    celery = celery_settings(redis_url) | {"task_default_queue": queue}
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url.replace(
                "postgresql://", "postgresql+psycopg://"
            ),
            "REDIS_URL": redis_url,
            "CELERY": celery,
        },
        instance_path=str(tmp_path),
    )
    app.extensions["celery"].conf.update(task_default_queue=queue)
    return app


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A scratch database, Redis, and a real worker consuming a queue of our own."""
    require_service("PostgreSQL", postgres_reachable())
    require_service("Redis", redis_reachable())
    queue = f"pathways-health-{uuid.uuid4().hex[:8]}"
    instance = tmp_path_factory.mktemp("health")
    with scratch_database() as database_url:
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_BASE_URL,
            "CELERY_QUEUE": queue,
            "SECRET_KEY": "test-secret",
            "PATHWAYS_INSTANCE": str(instance),
        }
        with celery_worker(env, queue):
            yield database_url, queue


def readiness(app):
    """Status code and JSON body of /readyz, asked without signing in."""
    response = app.test_client().get("/readyz")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_everything_up_is_ready_with_each_latency(stack, production_app):
    database_url, queue = stack
    status, body = readiness(production_app(database_url, REDIS_BASE_URL, queue))
    assert status == 200, body
    assert body["status"] == "ready"
    checks = body["checks"]
    assert set(checks) == {"database", "redis", "worker"}
    assert all(check["ok"] and check["latency_ms"] >= 0 for check in checks.values())
    assert checks["database"]["engine"] == "postgresql"
    assert checks["worker"] == checks["worker"] | {"queue": queue, "workers": 1}


def test_no_worker_on_the_queue_is_not_ready(stack, production_app):
    database_url, _ = stack
    lonely_queue = f"pathways-nobody-{uuid.uuid4().hex[:8]}"
    status, body = readiness(production_app(database_url, REDIS_BASE_URL, lonely_queue))
    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    worker = body["checks"]["worker"]
    assert not worker["ok"] and lonely_queue in worker["error"]


def test_redis_down_is_not_ready(stack, production_app):
    database_url, queue = stack
    dead_redis = f"redis://127.0.0.1:{closed_port()}/0"
    status, body = readiness(production_app(database_url, dead_redis, queue))
    assert status == 503
    assert body["checks"]["database"]["ok"]
    redis = body["checks"]["redis"]
    assert not redis["ok"] and redis["error"] == "ConnectionError"
    assert body["checks"]["worker"] == {"ok": False, "error": "not checked: Redis does not answer"}


def test_postgresql_down_is_not_ready(stack, production_app):
    _, queue = stack
    dead_database = f"postgresql://127.0.0.1:{closed_port()}/pathways"
    status, body = readiness(production_app(dead_database, REDIS_BASE_URL, queue))
    assert status == 503
    database = body["checks"]["database"]
    # The kind of failure only: host names and ports stay in the log.
    assert not database["ok"] and database["error"] == "OperationalError"
    assert body["checks"]["redis"]["ok"] and body["checks"]["worker"]["ok"]


def test_healthz_touches_no_dependency(production_app):
    dead_database = f"postgresql://127.0.0.1:{closed_port()}/pathways"
    dead_redis = f"redis://127.0.0.1:{closed_port()}/0"
    app = production_app(dead_database, dead_redis, "pathways")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "alive"}
    assert response.headers["Cache-Control"] == "no-store"
    assert readiness(app)[0] == 503


def test_embedded_default_is_ready_with_sqlite_and_in_process_tasks(app):
    status, body = readiness(app)
    assert status == 200, body
    assert body["checks"]["database"]["engine"] == "sqlite"
    assert body["checks"]["redis"]["mode"].startswith("in-process")
    assert body["checks"]["worker"]["ok"]


@pytest.mark.parametrize("node_is_running", [True, False])
def test_the_worker_healthcheck_command_pings_one_node(stack, node_is_running):
    database_url, queue = stack
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["worker"]["healthcheck"]["test"][1].replace("$$", "$")
    hostname = socket.gethostname() if node_is_running else "no-such-host"
    done = subprocess.run(
        ["sh", "-c", command],
        cwd=ROOT,
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOSTNAME": hostname,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_BASE_URL,
            "CELERY_QUEUE": queue,
            "SECRET_KEY": "test-secret",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode == 0) is node_is_running, done.stdout + done.stderr
