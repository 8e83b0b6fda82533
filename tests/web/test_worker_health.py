"""What the round page says from the workers' heartbeats: no worker, or a task lost in the queue."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from tests.conftest import build_program, sign_in, submit
from tests.conftest import test_config as settings_for
from web import create_app
from web.config import celery_settings
from web.extensions import db
from web.models import MatchRound, RoundStatus, WorkerHeartbeat
from web.models.base import utcnow
from web.services import worker_health

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def production_mode(migrated_sqlite, tmp_path):
    """An app with a broker (tasks are not run in-process), its program and coordinator."""
    path = tmp_path / "pathways.db"
    shutil.copy(migrated_sqlite, path)
    settings = settings_for(f"sqlite:///{path}")
    app = create_app(
        settings | {"REDIS_URL": CLOSED_PORT, "CELERY": celery_settings(CLOSED_PORT)},
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        program = build_program()
        client = app.test_client()
        sign_in(client, program.coordinator)
        yield client, program
        db.session.remove()
        db.engine.dispose()


def queued_round(program, minutes_ago: float) -> MatchRound:
    match_round = MatchRound(
        cohort=program.cohort, parameters={}, created_at=utcnow() - timedelta(minutes=minutes_ago)
    )
    db.session.add(match_round)
    db.session.commit()
    return match_round


def worker(active: list[str] | None = None, seconds_ago: float = 1) -> None:
    now = utcnow()
    db.session.add(
        WorkerHeartbeat(
            hostname="celery@test",
            pid=1,
            started_at=now - timedelta(hours=1),
            beat_at=now - timedelta(seconds=seconds_ago),
            active_task_ids=active or [],
        )
    )
    db.session.commit()


def test_with_no_worker_alive_a_queued_round_says_so(production_mode):
    client, program = production_mode
    match_round = queued_round(program, minutes_ago=0)
    worker(seconds_ago=120)  # gone two minutes ago

    page = client.get(f"/coordinator/rounds/{match_round.id}").text
    assert "No worker is working on this round" in page
    assert "celery -A workers worker" in page


def test_a_round_idle_workers_never_took_was_lost_in_the_queue(production_mode):
    client, program = production_mode
    match_round = queued_round(program, minutes_ago=2)
    worker(active=[])

    page = client.get(f"/coordinator/rounds/{match_round.id}").text
    assert "its task was lost in the queue" in page
    url = f"/coordinator/rounds/{match_round.id}"
    assert "Round queued again." in submit(client, f"{url}/retry", {}, form_url=url).text


@pytest.mark.parametrize(("minutes_ago", "active"), [(0, []), (2, ["another-task"])])
def test_a_round_just_queued_or_behind_busy_workers_is_fine(production_mode, minutes_ago, active):
    _, program = production_mode
    match_round = queued_round(program, minutes_ago=minutes_ago)
    worker(active=active)
    assert worker_health.round_problem(match_round) is None
    assert match_round.status == RoundStatus.QUEUED
