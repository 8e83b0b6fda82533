"""Rounds no worker will finish: stale ones can run again, and a broker that is down says so."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import build_program, sign_in, submit
from tests.conftest import test_config as settings_for
from tests.factories import make_apprentice, make_mentor, make_round, round_form
from tests.web.test_intake import APPRENTICES, confirm, upload
from web import create_app
from web.config import MATCH_HARD_TIME_LIMIT, celery_settings
from web.database import send_task
from web.extensions import db
from web.models import (
    AuditEvent,
    ImportStatus,
    MatchRound,
    MatchStatus,
    Mentorship,
    OutboxMessage,
    PeopleImport,
    ProposedMatch,
    RoundStatus,
)
from web.models.base import utcnow
from web.services import rounds

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def stuck_round(program, status=RoundStatus.QUEUED, minutes=20) -> MatchRound:
    """A round left queued or running `minutes` ago, as a dead worker or broker leaves it."""
    since = utcnow() - timedelta(minutes=minutes)
    match_round = MatchRound(
        cohort=program.cohort,
        parameters={},
        status=status,
        created_at=since - timedelta(minutes=1),
        started_at=since if status == RoundStatus.RUNNING else None,
        progress=0.3 if status == RoundStatus.RUNNING else 0.0,
    )
    db.session.add(match_round)
    db.session.commit()
    return match_round


def start_round_page(client, program):
    url = f"/coordinator/cohorts/{program.cohort.id}"
    return submit(client, f"{url}/rounds", round_form(), form_url=url)


def reloaded(match_round: MatchRound) -> MatchRound:
    db.session.expire_all()
    return db.session.get(MatchRound, match_round.id)


@pytest.fixture
def coordinator(client, program):
    make_mentor(capacity=2)
    make_apprentice(program)
    db.session.commit()
    sign_in(client, program.coordinator)
    return client


def test_stale_means_past_the_hard_time_limit(program):
    limit = timedelta(seconds=MATCH_HARD_TIME_LIMIT)
    assert rounds.STALE_AFTER == limit
    queued = stuck_round(program, minutes=0)
    assert not rounds.is_stale(queued)
    assert rounds.is_stale(queued, utcnow() + limit + timedelta(seconds=1))
    done = make_round(program.cohort, [], created_at=utcnow() - 10 * limit)
    assert not rounds.is_stale(done)


@pytest.mark.parametrize(
    ("status", "doing"),
    [(RoundStatus.QUEUED, "waiting for a worker"), (RoundStatus.RUNNING, "running")],
)
def test_a_stale_round_says_so_and_runs_again(coordinator, program, status, doing):
    stuck = stuck_round(program, status)

    page = coordinator.get(f"/coordinator/rounds/{stuck.id}").get_data(as_text=True)
    assert "This round seems stuck" in page
    assert f"It has been {doing} for more than {rounds.stale_minutes()} minutes" in page
    assert "Run it again" in page
    assert "round-progress.js" not in page and 'http-equiv="refresh"' not in page

    url = f"/coordinator/rounds/{stuck.id}"
    page = submit(coordinator, f"{url}/retry", {}, form_url=url).get_data(as_text=True)
    assert "Round queued again." in page
    rerun = reloaded(stuck)
    assert rerun.status == RoundStatus.SUCCEEDED and len(rerun.matches) == 1
    assert "round.retried" in set(db.session.scalars(select(AuditEvent.action)))


def test_a_round_under_way_is_not_offered_again(coordinator, program):
    fresh = stuck_round(program, RoundStatus.RUNNING, minutes=2)

    url = f"/coordinator/rounds/{fresh.id}"
    page = coordinator.get(url).get_data(as_text=True)
    assert "Matching in progress" in page and "round-progress.js" in page
    assert "Run it again" not in page

    # A page opened before the round was under way can still send the button.
    cohort_page = f"/coordinator/cohorts/{program.cohort.id}"
    page = submit(coordinator, f"{url}/retry", {}, form_url=cohort_page).get_data(as_text=True)
    assert "This round is still under way" in page
    assert reloaded(fresh).status == RoundStatus.RUNNING


def test_a_stale_round_no_longer_blocks_its_cohort(coordinator, program):
    stuck = stuck_round(program, RoundStatus.RUNNING)

    page = start_round_page(coordinator, program).get_data(as_text=True)

    new = db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()
    assert new.id != stuck.id and new.status == RoundStatus.SUCCEEDED
    assert f"Round {new.id} of" in page and "still running" not in page
    given_up = reloaded(stuck)
    assert given_up.status == RoundStatus.FAILED and given_up.finished_at
    assert "never finished" in given_up.error and f"Round {new.id} replaced it." in given_up.error
    assert "round.given_up" in set(db.session.scalars(select(AuditEvent.action)))
    failed_page = coordinator.get(f"/coordinator/rounds/{stuck.id}").get_data(as_text=True)
    assert "This round failed" in failed_page and "never finished" in failed_page


def test_a_round_under_way_still_blocks_its_cohort(coordinator, program):
    busy = stuck_round(program, RoundStatus.QUEUED, minutes=1)

    page = start_round_page(coordinator, program).get_data(as_text=True)

    assert f"Round {busy.id} of this cohort is still running" in page
    assert db.session.scalar(select(func.count()).select_from(MatchRound)) == 1


def test_a_late_delivery_of_a_given_up_round_changes_nothing(coordinator, program):
    stuck = stuck_round(program, RoundStatus.RUNNING)
    start_round_page(coordinator, program)

    send_task(rounds.RUN_ROUND_TASK, stuck.id)  # the lost message turns up after all

    late = reloaded(stuck)
    assert late.status == RoundStatus.FAILED and "never finished" in late.error
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ProposedMatch)
            .where(ProposedMatch.round_id == stuck.id)
        )
        == 0
    )


# The broker is down -----------------------------------------------------------------------


@pytest.fixture
def broker_down(migrated_sqlite, tmp_path):
    """The app with REDIS_URL at a port where nothing listens."""
    path = tmp_path / "pathways.db"
    shutil.copy(migrated_sqlite, path)
    settings = settings_for(f"sqlite:///{path}")
    app = create_app(
        settings | {"REDIS_URL": CLOSED_PORT, "CELERY": celery_settings(CLOSED_PORT)},
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        program = build_program()
        make_mentor(capacity=2)
        make_apprentice(program)
        db.session.commit()
        client = app.test_client()
        sign_in(client, program.coordinator)
        yield client, program
        db.session.remove()
        db.engine.dispose()


def test_a_round_the_broker_refuses_waits_in_the_outbox_and_says_one_thing(broker_down):
    client, program = broker_down

    started = time.monotonic()
    response = start_round_page(client, program)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < 10, f"the request waited {elapsed:.1f} s for the broker"
    match_round = db.session.scalar(select(MatchRound))
    assert match_round.status == RoundStatus.QUEUED
    [waiting] = db.session.scalars(select(OutboxMessage)).all()
    assert waiting.args == [match_round.id] and waiting.attempts == 1
    page = response.get_data(as_text=True)
    assert f"Round {match_round.id} saved." in page
    assert "started" not in page and "This round failed" not in page
    assert "queue could not be reached" in page and "starts by itself" in page
    assert "Run it again" not in page, "running it again would queue it twice"


def test_an_import_the_broker_refuses_waits_in_the_outbox(broker_down):
    client, program = broker_down

    done = confirm(client, upload(client, APPRENTICES, program=program).text)

    assert done.status_code == 200
    people_import = db.session.scalar(select(PeopleImport))
    assert people_import.status == ImportStatus.QUEUED
    assert db.session.scalar(select(OutboxMessage.subject)) == f"PeopleImport:{people_import.id}"
    assert "queue could not be reached" in done.text and "starts by itself" in done.text


def test_publishing_while_the_broker_is_down_still_publishes(broker_down):
    client, program = broker_down
    apprentice = make_apprentice(program)
    mentor = make_mentor()
    match_round = make_round(program.cohort, [(apprentice, mentor, MatchStatus.APPROVED)])
    db.session.commit()

    url = f"/coordinator/rounds/{match_round.id}"
    response = submit(client, f"{url}/publish", {}, form_url=url)

    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1
    assert db.session.scalar(select(OutboxMessage.subject)) == f"MatchRound:{match_round.id}"
