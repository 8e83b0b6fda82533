"""Security events: JSON log lines and stored rows, shown to coordinators page by page."""

from __future__ import annotations

import json
import logging
import sys

from sqlalchemy import select

from tests.conftest import make_user, sign_in
from tests.factories import make_apprentice
from tests.web.auth_helpers import (  # noqa: F401
    each_request_starts_from_its_own_cookies,
    sign_in_with,
    sign_out,
)
from web.extensions import db
from web.models import CoordinatorRole, Role, SecurityEvent
from web.models.base import utcnow
from web.services import security_events


def test_sign_ins_failures_sign_outs_and_refusals_are_logged_and_kept(
    app, client, program, caplog, request
):
    security_log = logging.getLogger("pathways.security")
    security_log.addHandler(caplog.handler)  # it writes to its own handler, not the root's
    request.addfinalizer(lambda: security_log.removeHandler(caplog.handler))
    apprentice = make_apprentice(program)
    db.session.commit()

    sign_in_with(client, "nobody@example.org", "not-the-password")
    sign_in(client, apprentice.user)
    assert client.get("/coordinator/").status_code == 403
    sign_out(client)

    events = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)).all()
    assert [e.kind for e in events] == ["sign_in.failed", "sign_in", "forbidden", "sign_out"]
    assert events[0].email == "nobody@example.org" and events[0].user_id is None
    assert {e.user_id for e in events[1:]} == {apprentice.user.id}
    assert events[2].path == "/coordinator/" and events[2].ip == "127.0.0.1"
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "pathways.security"]
    assert [line["event"] for line in lines] == [e.kind for e in events]
    assert lines[2] | {"at": None} == {
        "event": "forbidden",
        "at": None,
        "user_id": apprentice.user.id,
        "email": apprentice.user.email,
        "ip": "127.0.0.1",
        "path": "/coordinator/",
        "method": "GET",
    }


def test_security_events_go_to_standard_error_as_json_lines(app, capfd):
    handler = logging.getLogger("pathways.security").handlers[0]
    before = handler.setStream(sys.stderr)
    try:
        with app.test_request_context("/login"):
            security_events.record(security_events.LOCKOUT, email="x@example.org", what="sign-in")
    finally:
        if before is not None:
            handler.setStream(before)

    line = capfd.readouterr().err.strip().splitlines()[-1]
    assert json.loads(line)["event"] == "lockout" and json.loads(line)["what"] == "sign-in"


def test_coordinators_see_security_events_a_page_at_a_time(app, client, program):
    db.session.add_all(
        SecurityEvent(at=utcnow(), kind="sign_in.failed", email=f"guess{n}@example.org")
        for n in range(60)
    )
    db.session.commit()
    sign_in(client, program.coordinator)

    first = client.get("/coordinator/security").get_data(as_text=True)
    second = client.get("/coordinator/security?page=2").get_data(as_text=True)
    only_sign_ins = client.get("/coordinator/security?kind=sign_in").get_data(as_text=True)

    assert "<h1>Security events</h1>" in first and "Page 1 of 2" in first
    assert "61 events." in first  # the coordinator's own sign-in is one
    assert first.count("Failed sign-in") + second.count("Failed sign-in") >= 60
    assert "Page 2 of 2" in second
    assert "1 event." in only_sign_ins and "Casey Coordinator (coordinator)" in only_sign_ins
    assert 'href="/coordinator/security"' in first  # in the navigation


def test_only_program_admins_open_the_security_events(app, client, program):
    reviewer = make_user(
        Role.COORDINATOR, "rae@city.example.gov", "Rae", coordinator_role=CoordinatorRole.REVIEWER
    )
    db.session.commit()
    sign_in(client, reviewer)
    assert "Security events" not in client.get("/coordinator/").get_data(as_text=True)

    assert client.get("/coordinator/security").status_code == 403

    refused = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "forbidden"))
    assert [(e.user_id, e.path) for e in refused] == [(reviewer.id, "/coordinator/security")]
    sign_out(client)
    sign_in(client, program.partner_a_user)
    assert client.get("/coordinator/security").status_code == 403
