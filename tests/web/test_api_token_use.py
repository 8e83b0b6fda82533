"""API reads write nothing in the request: a token's use is recorded once a minute, aside."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import build_program
from tests.web.api_tokens import bearer_for
from web.api import auth
from web.api import views as api_views
from web.extensions import db
from web.models import ApiToken
from web.models.base import utcnow


def test_use_is_recorded_at_most_once_a_minute(app, program):
    bearer_for(program.partner_a_user)
    token = db.session.scalar(select(ApiToken))
    start = utcnow()
    assert auth.record_use(token, start)
    db.session.refresh(token)
    assert not auth.record_use(token, start + timedelta(seconds=59))
    assert auth.record_use(token, start + timedelta(seconds=61))
    db.session.refresh(token)
    assert token.last_used_at.replace(tzinfo=None) == (start + timedelta(seconds=61)).replace(
        tzinfo=None
    )


def test_two_requests_with_one_token_run_side_by_side(pg_app, monkeypatch):
    program = build_program()
    headers = bearer_for(program.partner_a_user)
    db.session.remove()
    inside, release = threading.Event(), threading.Event()
    original = api_views.services.partner_cohorts
    calls = []

    def held_first(partner_id):
        calls.append(partner_id)
        cohorts = original(partner_id)
        if len(calls) == 1:  # the first request waits here, in the middle of its transaction
            inside.set()
            release.wait(timeout=30)
        return cohorts

    monkeypatch.setattr(api_views.services, "partner_cohorts", held_first)
    statuses = {}

    def get(name):
        statuses[name] = pg_app.test_client().get("/api/v1/cohorts", headers=headers).status_code

    first = threading.Thread(target=get, args=("first",))
    first.start()
    try:
        assert inside.wait(timeout=30)
        second = threading.Thread(target=get, args=("second",))
        second.start()
        second.join(timeout=15)
        finished_alongside = not second.is_alive()
    finally:
        release.set()
        first.join(timeout=30)
    assert finished_alongside, "the second request waited for the first one's row lock"
    assert statuses == {"first": 200, "second": 200}
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None
