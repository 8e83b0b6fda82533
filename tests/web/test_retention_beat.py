"""Celery beat for real: `celery -A workers beat` and a worker erase an expired cohort."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from tests.conftest import build_program, require_service
from tests.factories import make_apprentice
from tests.services import (
    REDIS_BASE_URL,
    ROOT,
    celery_beat,
    celery_worker,
    postgres_reachable,
    redis_reachable,
    scratch_database,
)
from web import create_app
from web.config import celery_settings
from web.extensions import db
from web.models import ApprenticeProfile, AuditEvent, Cohort
from web.models.base import utcnow
from web.services.taxonomy import ensure_skills


@pytest.fixture(scope="module")
def beat_stack(tmp_path_factory):
    """A scratch PostgreSQL database, a Redis queue of our own, a worker, and beat every 1 s."""
    require_service("PostgreSQL", postgres_reachable())
    require_service("Redis", redis_reachable())
    queue = f"pathways-beat-{uuid.uuid4().hex[:8]}"
    instance = tmp_path_factory.mktemp("beat")
    with scratch_database() as database_url:
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_BASE_URL,
            "CELERY_QUEUE": queue,
            "SECRET_KEY": "test-secret",
            "PATHWAYS_INSTANCE": str(instance),
            "PATHWAYS_BEAT_EVERY_SECONDS": "1",
        }
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": database_url.replace(
                    "postgresql://", "postgresql+psycopg://"
                ),
                "CELERY": celery_settings(REDIS_BASE_URL) | {"task_default_queue": queue},
            },
            instance_path=str(instance),
        )
        with app.app_context():
            upgrade()
            ensure_skills()
            db.session.commit()
        with celery_worker(env, queue):
            yield app, env, instance, ROOT / "instance" / f"worker-{queue}.log"
        with app.app_context():
            db.engine.dispose()


def test_beat_and_a_worker_erase_a_cohort_archived_past_the_period(beat_stack):
    app, env, instance, worker_log = beat_stack
    with app.app_context():
        program = build_program()
        program.cohort.archived_at = utcnow() - timedelta(days=366)  # the clock, moved on
        recent = Cohort(name="Last year", archived_at=utcnow() - timedelta(days=300))
        db.session.add(recent)
        gone, kept = make_apprentice(program), make_apprentice(program)
        kept.cohort = recent
        db.session.commit()
        old_id, gone_id, kept_id, email = program.cohort.id, gone.id, kept.id, gone.user.email

        with celery_beat(env, instance / "celerybeat-schedule") as (_beat, log):
            cohort = wait_for_erasure(old_id, log, worker_log)

        assert cohort.retained_statistics["apprentices"] == 1
        assert db.session.get(ApprenticeProfile, gone_id).user is None
        assert db.session.get(ApprenticeProfile, kept_id).user is not None
        assert db.session.get(Cohort, recent.id).personal_data_erased_at is None
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "cohort.personal_data_erased")
        ).all()
        assert [e.subject_id for e in events] == [old_id], "each cohort is erased once"
        stored = db.session.execute(text("SELECT email FROM users")).scalars().all()
        assert email not in stored
        assert "erase-expired-personal-data" in log.read_text()


def wait_for_erasure(cohort_id: int, beat_log: Path, worker_log: Path) -> Cohort:
    """Poll until the worker, sent the task by beat, has erased the cohort, then run the task
    again (beat sends it every second) and found nothing left to do."""
    wait_until(lambda: _fresh(cohort_id).personal_data_erased_at, beat_log)
    done = re.compile(r"erase_expired_personal_data\[[^]]+\] succeeded in [0-9.]+s: (\[.*\])")
    results = lambda: done.findall(worker_log.read_text())  # noqa: E731
    wait_until(lambda: f"[{cohort_id}]" in results() and results()[-1] == "[]", beat_log)
    assert results().count(f"[{cohort_id}]") == 1
    return _fresh(cohort_id)


def wait_until(condition, log: Path, timeout: float = 60):
    """The condition's value once it is true, polled every quarter second."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.25)
    raise AssertionError(f"beat did not get the work done:\n{log.read_text()}")


def _fresh(cohort_id: int) -> Cohort:
    db.session.expire_all()
    return db.session.get(Cohort, cohort_id)
