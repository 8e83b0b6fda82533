"""The real PostgreSQL, Redis and Celery worker that production-path tests run against."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
REDIS_BASE_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def postgres_reachable() -> bool:
    """True if the PostgreSQL server used for tests answers."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def redis_reachable() -> bool:
    """True if the Redis server used for tests answers."""
    try:
        return bool(redis.Redis.from_url(REDIS_BASE_URL, socket_timeout=3).ping())
    except redis.RedisError:
        return False


@contextmanager
def scratch_database():
    """A new, empty PostgreSQL database for one test session, dropped afterwards."""
    name = f"pathways_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def celery_worker(env: dict[str, str], queue: str):
    """A real `celery -A workers worker` process consuming `queue`, stopped afterwards."""
    log_path = ROOT / "instance" / f"worker-{queue}.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workers",
                "worker",
                "-Q",
                queue,
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_ready(log_path, process)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def celery_beat(env: dict[str, str], schedule_file: Path):
    """A real `celery -A workers beat` process, its state in `schedule_file`, stopped afterwards."""
    log_path = schedule_file.with_suffix(".log")
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workers",
                "beat",
                "--schedule",
                str(schedule_file),
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process, log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_ready(log_path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited:\n{log_path.read_text()}")
        if "ready." in log_path.read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"the Celery worker did not start:\n{log_path.read_text()}")


def wait_until_finished(model, record_id: int, timeout: float):
    """Poll the database until the worker has finished the round or import `record_id`."""
    from web.extensions import db

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        record = db.session.get(model, record_id)
        if record.finished:
            return record
        time.sleep(0.25)
    raise AssertionError(f"{model.__name__} {record_id} did not finish within {timeout} s")
