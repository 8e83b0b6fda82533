"""The production path for real: PostgreSQL, Redis and a `celery -A workers worker` process."""

from __future__ import annotations

import time
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.conftest import Program, build_program, require_service, sign_in, submit
from tests.factories import make_apprentice, make_mentor, round_form
from tests.services import (
    REDIS_BASE_URL,
    celery_worker,
    postgres_reachable,
    redis_reachable,
    scratch_database,
    wait_until_finished,
)
from tests.web.emptying import empty_tables
from web import create_app
from web.config import celery_settings
from web.database import send_task
from web.extensions import db
from web.models import AuditEvent, MatchRound, ProposedMatch, RoundStatus
from web.services.rounds import RUN_ROUND_TASK
from web.services.taxonomy import ensure_skills


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A scratch PostgreSQL database, a Redis queue of our own and a real worker on them."""
    require_service("PostgreSQL", postgres_reachable())
    require_service("Redis", redis_reachable())
    queue = f"pathways-test-{uuid.uuid4().hex[:8]}"
    instance = tmp_path_factory.mktemp("instance")
    with scratch_database() as database_url:
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_BASE_URL,
            "CELERY_QUEUE": queue,
            "SECRET_KEY": "test-secret",
            "PATHWAYS_INSTANCE": str(instance),
        }
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "SERVER_NAME": "localhost",
                "SQLALCHEMY_DATABASE_URI": database_url.replace(
                    "postgresql://", "postgresql+psycopg://"
                ),
                "REDIS_URL": REDIS_BASE_URL,
                "CELERY": celery_settings(REDIS_BASE_URL) | {"task_default_queue": queue},
            },
            instance_path=str(instance),
        )
        app.extensions["celery"].conf.update(task_default_queue=queue)
        with app.app_context():
            upgrade()
            ensure_skills()
            db.session.commit()
        with celery_worker(env, queue):
            yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def pg_app(stack):
    """The stack's app with its own app context; every table but skills emptied afterwards."""
    with stack.app_context():
        yield stack
        db.session.remove()
        empty_tables()


@pytest.fixture
def pg_program(pg_app) -> Program:
    """The small program of tests/conftest.py, stored in PostgreSQL."""
    return build_program()


def wait_for_round(round_id: int, timeout: float = 90) -> MatchRound:
    """Poll the database until the worker has finished the round."""
    return wait_until_finished(MatchRound, round_id, timeout)


def test_worker_runs_with_the_reliability_settings(pg_app):
    celery = pg_app.extensions["celery"]
    replies = celery.control.inspect(timeout=5).conf() or {}
    assert replies, "no worker answered"
    conf = next(iter(replies.values()))
    assert conf["task_acks_late"] is True
    assert conf["task_reject_on_worker_lost"] is True
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["task_soft_time_limit"] > 0
    visibility = conf["broker_transport_options"]["visibility_timeout"]
    assert visibility > conf["task_time_limit"] > conf["task_soft_time_limit"]


def test_round_from_start_to_approval_through_the_worker(pg_app, pg_program):
    program = pg_program
    mentor = make_mentor(skills=("python", "sql"), capacity=2)
    matched = [make_apprentice(program, skills=("python",)) for _ in range(2)]
    lonely = make_apprentice(program, languages=["polish"])
    db.session.commit()
    client = pg_app.test_client()
    sign_in(client, program.coordinator)

    page = submit(
        client,
        f"/coordinator/cohorts/{program.cohort.id}/rounds",
        round_form(),
        form_url=f"/coordinator/cohorts/{program.cohort.id}",
    )
    assert page.status_code == 200
    round_id = db.session.scalar(select(MatchRound.id))
    match_round = wait_for_round(round_id)
    assert match_round.status == RoundStatus.SUCCEEDED, match_round.error
    assert match_round.attempts == 1

    proposals = db.session.scalars(select(ProposedMatch).order_by(ProposedMatch.id)).all()
    assert {p.apprentice_id for p in proposals} == {a.id for a in matched}
    assert {p.mentor_id for p in proposals} == {mentor.id}
    assert all(p.reason for p in proposals)
    assert [u.apprentice_id for u in match_round.unmatched] == [lonely.id]

    round_page = client.get(f"/coordinator/rounds/{round_id}").get_data(as_text=True)
    assert mentor.user.name in round_page
    progress = client.get(f"/coordinator/rounds/{round_id}/progress.json").get_json()
    assert progress["status"] == "succeeded"

    response = submit(
        client,
        f"/coordinator/matches/{proposals[0].id}/approve",
        {},
        form_url=f"/coordinator/rounds/{round_id}",
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(ProposedMatch, proposals[0].id).status == "approved"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"round.started", "match.approved"} <= actions


def test_delivering_a_round_twice_stores_one_set_of_proposals(pg_app, pg_program):
    program = pg_program
    make_mentor(capacity=3)
    for _ in range(3):
        make_apprentice(program)
    match_round = MatchRound(cohort=program.cohort, parameters={})
    db.session.add(match_round)
    db.session.commit()

    send_task(RUN_ROUND_TASK, match_round.id)
    send_task(RUN_ROUND_TASK, match_round.id)
    wait_for_round(match_round.id)
    time.sleep(1.0)  # let the second delivery finish too
    db.session.expire_all()
    count = db.session.scalar(
        select(func.count())
        .select_from(ProposedMatch)
        .where(ProposedMatch.round_id == match_round.id)
    )
    assert count == 3
    assert db.session.get(MatchRound, match_round.id).attempts == 1


def test_a_failing_round_shows_its_error_and_can_run_again(pg_app, pg_program):
    program = pg_program
    make_mentor()
    broken = make_apprentice(program, availability=[[9, 600, 660]])
    match_round = MatchRound(cohort=program.cohort, parameters={})
    db.session.add(match_round)
    db.session.commit()

    send_task(RUN_ROUND_TASK, match_round.id)
    failed = wait_for_round(match_round.id)
    assert failed.status == RoundStatus.FAILED
    assert failed.error

    client = pg_app.test_client()
    sign_in(client, program.coordinator)
    page = client.get(f"/coordinator/rounds/{match_round.id}").get_data(as_text=True)
    assert "Run again" in page

    broken.availability = [[0, 17 * 60, 20 * 60]]
    db.session.commit()
    submit(
        client,
        f"/coordinator/rounds/{match_round.id}/retry",
        {},
        form_url=f"/coordinator/rounds/{match_round.id}",
    )
    assert wait_for_round(match_round.id).status == RoundStatus.SUCCEEDED
