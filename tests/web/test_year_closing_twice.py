"""The year closed twice at once on PostgreSQL: one closing, each pair ended once, no 500."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from tests.conftest import build_program, sign_in
from tests.web.outcomes_helpers import pairs_of
from tests.web.test_double_submits import at_once, count, in_a_thread, ready_post
from web.models import AuditEvent, CohortYearClosing


def test_two_closings_of_one_year_close_it_once(pg_app):
    program = build_program()
    pairs = pairs_of(program, 2)
    browsers = [pg_app.test_client() for _ in range(2)]
    for browser in browsers:
        in_a_thread(sign_in, browser, SimpleNamespace(email=program.coordinator.email))
    url = f"/coordinator/cohorts/{program.cohort.id}/close-year"
    form = {f"outcome-{m.id}": "completed" for m in pairs} | {"confirm": "y"}

    responses = at_once(pg_app, [ready_post(b, url, form) for b in browsers])

    assert [r.status_code for r in responses] == [302, 302]
    assert {r.headers["Location"] for r in responses} == {url.replace("close-year", "year-closing")}
    assert count(select(CohortYearClosing)) == 1
    assert count(select(AuditEvent).where(AuditEvent.action == "mentorship.ended")) == 2
    assert count(select(AuditEvent).where(AuditEvent.action == "cohort.year_closed")) == 1
