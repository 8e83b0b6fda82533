"""The same form sent twice at once, on PostgreSQL: one outcome, one audit event, never a 500.

Each request waits before it commits until the other one has also reached its commit or is
held by a row lock, so both have made their checks before either writes: the race happens
on every run, not one in three.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from tests.conftest import build_program, csrf_token_from, sign_in
from tests.factories import make_apprentice, make_mentor, make_round
from tests.web.test_apprentices_registration import apprentice_form
from web.extensions import db
from web.models import AuditEvent, MatchStatus, Mentorship, User

TWICE = 2


class CommitTogether:
    """Hold each commit until every request has reached its own or waits on a row lock."""

    def __init__(self, app, parties: int):
        self.app, self.parties, self.arrived = app, parties, 0
        self.lock = threading.Lock()

    def __enter__(self):
        event.listen(Session, "before_commit", self.wait)
        return self

    def __exit__(self, *exc):
        event.remove(Session, "before_commit", self.wait)

    def wait(self, session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint, not the request's commit
        with self.lock:
            self.arrived += 1
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.arrived + self._waiting_on_locks() >= self.parties:
                return
            time.sleep(0.01)
        raise AssertionError("the other request neither committed nor waited on a lock")

    def _waiting_on_locks(self) -> int:
        with self.app.app_context(), db.engine.connect() as connection:
            return connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )


def at_once(app, calls):
    """Run each call in its own thread and return their responses."""
    with CommitTogether(app, len(calls)), ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def ready_post(client, url: str, data: dict, form_url: str | None = None):
    """A POST of `data` with the form's CSRF token, fetched now and sent later."""
    token = csrf_token_from(in_a_thread(client.get, form_url or url).text)
    return lambda: client.post(url, data={**data, "csrf_token": token})


def in_a_thread(call, *args):
    """Call in a thread of its own, outside the test's app context: Flask-WTF keeps the form
    token in `g`, which two browsers would otherwise share."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call, *args).result()


def count(query) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_two_registrations_with_one_email_make_one_account(pg_app):
    program = build_program()
    form = apprentice_form(program)
    calls = [ready_post(pg_app.test_client(), "/apprentice/register", form) for _ in range(TWICE)]
    responses = at_once(pg_app, calls)

    # Both answer alike (registration never says whether an email was taken), neither fails.
    assert [r.status_code for r in responses] == [302, 302]
    assert len({r.headers["Location"] for r in responses}) == 1
    assert count(select(User).where(User.email == form["email"])) == 1


@pytest.fixture
def decided_round(pg_app):
    """A coordinator's two signed-in browsers and a round with one proposed, one approved pair."""
    program = build_program()
    pairs = [
        (make_apprentice(program), make_mentor(), MatchStatus.PROPOSED),
        (make_apprentice(program), make_mentor(), MatchStatus.APPROVED),
    ]
    match_round = make_round(program.cohort, pairs)
    db.session.commit()
    browsers = [pg_app.test_client() for _ in range(TWICE)]
    coordinator = SimpleNamespace(email=program.coordinator.email)
    for browser in browsers:
        in_a_thread(sign_in, browser, coordinator)
    return match_round, browsers


def test_two_approvals_of_one_pair_write_one_audit_event(pg_app, decided_round):
    match_round, browsers = decided_round
    proposed = next(m for m in match_round.matches if m.status == MatchStatus.PROPOSED)
    url = f"/coordinator/matches/{proposed.id}/approve"
    page = f"/coordinator/rounds/{match_round.id}"
    responses = at_once(pg_app, [ready_post(b, url, {}, page) for b in browsers])

    assert all(r.status_code == 302 for r in responses)
    assert count(select(AuditEvent).where(AuditEvent.action == "match.approved")) == 1


def test_two_publishes_of_one_round_make_each_mentorship_once(pg_app, decided_round):
    match_round, browsers = decided_round
    url = f"/coordinator/rounds/{match_round.id}/publish"
    page = f"/coordinator/rounds/{match_round.id}"
    responses = at_once(pg_app, [ready_post(b, url, {}, page) for b in browsers])

    assert all(r.status_code == 302 for r in responses)
    assert count(select(Mentorship)) == 1
