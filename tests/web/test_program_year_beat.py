"""The daily job on the real stack: PostgreSQL, Redis, a Celery worker and Celery beat."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.conftest import build_program, require_service
from tests.services import (
    REDIS_BASE_URL,
    ROOT,
    celery_worker,
    postgres_reachable,
    redis_reachable,
    scratch_database,
)
from tests.web.program_year import live_pair
from tests.web.test_publishing import Inbox, free_port
from web import create_app
from web.config import celery_settings
from web.extensions import db
from web.models import PairFlag, ReminderSent
from web.services.taxonomy import ensure_skills

DAY = "2027-04-29"  # 59 days after the pair was published, with no meeting since


@pytest.fixture
def stack(tmp_path):
    """Scratch PostgreSQL, a Redis queue of our own, a real SMTP server and a worker."""
    require_service("PostgreSQL", postgres_reachable())
    require_service("Redis", redis_reachable())
    queue = f"pathways-test-{uuid.uuid4().hex[:8]}"
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    with scratch_database() as database_url:
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_BASE_URL,
            "CELERY_QUEUE": queue,
            "SECRET_KEY": "test-secret",
            "PATHWAYS_INSTANCE": str(tmp_path),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "PATHWAYS_TEST_DAY": DAY,
        }
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "SQLALCHEMY_DATABASE_URI": database_url.replace(
                    "postgresql://", "postgresql+psycopg://"
                ),
                "CELERY": celery_settings(REDIS_BASE_URL) | {"task_default_queue": queue},
            },
            instance_path=str(tmp_path),
        )
        try:
            with app.app_context():
                upgrade()
                ensure_skills()
                db.session.commit()
                with celery_worker(env, queue) as worker:
                    yield app, env, inbox, worker
                db.session.remove()
                db.engine.dispose()
        finally:
            smtp.stop()


@pytest.fixture
def beat(stack, tmp_path):
    """A real `celery beat` process sending the program-year schedule to the queue."""
    _, env, _, _ = stack
    log_path = tmp_path / "beat.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "tests.program_year_beat", "beat"),
                *("--schedule", str(tmp_path / "beat-schedule"), "--loglevel", "INFO"),
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield log_path
        finally:
            process.terminate()
            process.wait(timeout=20)


def worker_runs(stack) -> int:
    """How many times the worker has finished the daily job."""
    log = (ROOT / "instance").glob("worker-*.log")
    return sum(
        path.read_text().count("send_daily_reminders") // 2
        for path in log
        if stack[1]["CELERY_QUEUE"] in path.name
    )


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.25)


def test_beat_runs_the_daily_job_on_the_worker_and_repeated_runs_send_nothing_twice(stack, beat):
    app, _, inbox, _ = stack
    published = datetime(2027, 3, 1, 15, tzinfo=UTC)
    mentorship = live_pair(build_program(), published_at=published, responded_at=published)
    people = [mentorship.mentor.user.email, mentorship.apprentice.user.email]
    db.session.commit()

    wait_for(lambda: worker_runs(stack) >= 3, timeout=90)

    db.session.expire_all()
    [flag] = db.session.scalars(select(PairFlag)).all()
    assert flag.kind == "idle" and flag.raised_on.isoformat() == DAY
    received = Counter((rcpt[0], message["Subject"]) for rcpt, message in inbox.messages)
    assert received and max(received.values()) == 1, received
    for address in people:
        subjects = {subject for (to, subject) in received if to == address}
        assert "Time for your next Pathways meeting?" in subjects
        assert "Your Pathways check-in for April 2027" in subjects
        assert "How is your mentorship going?" in subjects
    assert ("coord@city.example.gov", "Pathways: 1 pair flagged") in received
    assert db.session.scalar(select(func.count(ReminderSent.id))) == len(inbox.messages)
