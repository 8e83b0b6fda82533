"""Faults reproduced with the real services: Redis hung or down, the worker killed, the database
refusing connections. Each test has its own redis-server, worker and database connection to break.
"""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.conftest import build_program, make_user, require_service, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, round_form
from tests.faults import TcpProxy, kill_process_tree, redis_server
from tests.services import (
    celery_worker,
    postgres_reachable,
    scratch_database,
    wait_until_finished,
)
from tests.web.emptying import empty_tables
from web import create_app
from web.config import celery_settings
from web.database import send_task
from web.extensions import db
from web.models import (
    MatchRound,
    MatchStatus,
    OutboxMessage,
    Role,
    RoundStatus,
    WorkerHeartbeat,
)
from web.services.rounds import RUN_ROUND_TASK
from web.services.taxonomy import ensure_skills

# A few seconds: the Redis timeouts (3 s) and one quick retry, far below gunicorn's 30 s.
ENQUEUE_BOUND_SECONDS = 12


@pytest.fixture(scope="module")
def database_url():
    """A scratch PostgreSQL database, migrated, shared by the tests of this module."""
    require_service("PostgreSQL", postgres_reachable())
    with scratch_database() as url:
        yield url


def app_for(database_url: str, redis_url: str, queue: str, instance, **config):
    """A production-mode app: PostgreSQL at `database_url`, the broker at `redis_url`."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SERVER_NAME": "localhost",
            "SQLALCHEMY_DATABASE_URI": database_url.replace(
                "postgresql://", "postgresql+psycopg://"
            ),
            "REDIS_URL": redis_url,
            "CELERY": celery_settings(redis_url) | {"task_default_queue": queue},
            "WORKER_LOST_AFTER_SECONDS": 3,
        }
        | config,
        instance_path=str(instance),
    )
    with app.app_context():
        upgrade()
        ensure_skills()
        db.session.commit()
    return app


@pytest.fixture
def stack(database_url, tmp_path):
    """The app, a redis-server of its own and a real worker on both; tables emptied after."""
    queue = f"pathways-fault-{uuid.uuid4().hex[:8]}"
    with redis_server(tmp_path) as redis:
        app = app_for(database_url, redis.url, queue, tmp_path / "instance")
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "CELERY_QUEUE": queue,
            "SECRET_KEY": "test-secret",
            "PATHWAYS_INSTANCE": str(tmp_path / "instance"),
            "WORKER_HEARTBEAT_SECONDS": "0.5",
        }
        with celery_worker(env, queue) as worker, app.app_context():
            yield app, redis, worker
            db.session.remove()
        with app.app_context():  # once the worker has stopped using the tables
            empty_tables()
            db.engine.dispose()


def a_cohort_to_match(app):
    """A program with one mentor and two apprentices, and the coordinator signed in."""
    program = build_program()
    make_mentor(capacity=2)
    make_apprentice(program), make_apprentice(program)
    db.session.commit()
    client = app.test_client()
    sign_in(client, program.coordinator)
    return client, program


def start_round(client, program):
    url = f"/coordinator/cohorts/{program.cohort.id}"
    return submit(client, f"{url}/rounds", round_form(), form_url=url)


def until(condition, timeout: float = 60, what: str = "the condition"):
    """Poll `condition` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_hung_redis_answers_within_seconds_and_the_round_runs_once_it_is_back(stack):
    app, redis, _ = stack
    client, program = a_cohort_to_match(app)
    redis.hang()

    started = time.monotonic()
    response = start_round(client, program)
    elapsed = time.monotonic() - started

    assert elapsed < ENQUEUE_BOUND_SECONDS, f"the request waited {elapsed:.1f} s for Redis"
    print(f"start round with Redis hung: {elapsed:.1f} s")
    page = response.text
    assert "saved." in page and "started" not in page
    assert "queue could not be reached" in page, "a round with no task behind it, seen at once"
    round_id = db.session.scalar(select(MatchRound.id))
    assert outbox_count() == 1

    redis.resume()
    finished = wait_until_finished(MatchRound, round_id, timeout=90)
    assert finished.status == RoundStatus.SUCCEEDED, finished.error
    assert outbox_count() == 0


def test_with_redis_down_work_is_kept_and_sent_when_it_returns(stack):
    app, redis, _ = stack
    client, program = a_cohort_to_match(app)
    member = make_user(Role.MENTOR, "forgetful@city.example.gov", "Forgetful Mentor")
    approved = make_round(
        program.cohort,
        [(make_apprentice(program), make_mentor(), MatchStatus.APPROVED)],
    )
    db.session.commit()
    redis.stop()

    round_page = start_round(client, program).text
    assert "saved." in round_page and "queue could not be reached" in round_page
    forgot = submit(client, "/password/forgot", {"email": member.email})
    assert forgot.status_code == 200
    url = f"/coordinator/rounds/{approved.id}"
    assert submit(client, f"{url}/publish", {}, form_url=url).status_code == 200
    subjects = set(db.session.scalars(select(OutboxMessage.subject)))
    round_id = db.session.scalar(select(MatchRound.id).where(MatchRound.id != approved.id))
    assert {f"MatchRound:{round_id}", f"User:{member.id}", f"MatchRound:{approved.id}"} <= subjects

    redis.start()
    until(lambda: outbox_count() == 0, 90, "relaying the outbox")
    assert wait_until_finished(MatchRound, round_id, 90).status == RoundStatus.SUCCEEDED
    outbox = app.instance_path + "/outbox"
    until(lambda: _emails_to(outbox, member.email), 60, "the password email")


def _emails_to(folder: str, address: str) -> bool:
    from pathlib import Path

    return any(address in path.read_text() for path in Path(folder).glob("*.eml"))


def test_a_killed_worker_is_seen_on_the_round_page_within_seconds(stack, database_url):
    app, _, worker = stack
    client, program = a_cohort_to_match(app)
    match_round = MatchRound(cohort=program.cohort, parameters={})
    db.session.add(match_round)
    db.session.commit()
    until(lambda: db.session.scalar(select(WorkerHeartbeat.hostname)), 30, "a heartbeat")

    # Hold the round's lock, so the worker's task waits inside the round, as in a long solve.
    with psycopg.connect(database_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (match_round.id,))
        task_id = send_task(RUN_ROUND_TASK, match_round.id).id
        until(lambda: _running(task_id), 30, "the worker taking the task")
        match_round.status, match_round.task_id = RoundStatus.RUNNING, task_id
        match_round.progress, match_round.progress_message = 0.5, "Solving"
        db.session.commit()
        assert (
            "No worker is working" not in client.get(f"/coordinator/rounds/{match_round.id}").text
        )

        kill_process_tree(worker.pid)
        page = until(lambda: _with_problem(client, match_round.id), 30, "the page seeing it")

    assert "No worker is working on this round" in page
    assert "celery -A workers worker" in page and "Run it again" in page
    progress = client.get(f"/coordinator/rounds/{match_round.id}/progress.json").get_json()
    assert "No worker is working" in progress["message"]


def _running(task_id: str) -> bool:
    beats = db.session.scalars(select(WorkerHeartbeat.active_task_ids)).all()
    return any(task_id in (ids or []) for ids in beats)


def _with_problem(client, round_id: int) -> str | None:
    page = client.get(f"/coordinator/rounds/{round_id}").text
    return page if "No worker is working" in page else None


def test_the_database_refusing_connections_is_a_friendly_503_then_recovers(database_url, tmp_path):
    port = int(database_url.rsplit(":", 1)[1].split("/")[0])
    proxy = TcpProxy(port)
    proxy.open()
    proxied = database_url.replace(f":{port}/", f":{proxy.port}/")
    app = app_for(proxied, "", "unused", tmp_path, CELERY=celery_settings(""))
    client = app.test_client()
    with app.app_context():
        build_program()
    assert client.get("/apprentice/register").status_code == 200

    proxy.cut()
    down = client.get("/apprentice/register")
    assert down.status_code == 503
    assert int(down.headers["Retry-After"]) > 0
    assert "cannot reach its database" in down.text and "usa-header" in down.text
    api = client.get("/api/v1/cohorts", headers={"Authorization": "Bearer pw_some-token"})
    assert api.status_code == 503 and "database" in api.get_json()["error"]

    proxy.open()
    assert client.get("/apprentice/register").status_code == 200, "recovers without a restart"
    proxy.cut()
    with app.app_context():
        db.engine.dispose()
