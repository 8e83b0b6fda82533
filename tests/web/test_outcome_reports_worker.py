"""The outcomes report built by a real Celery worker on PostgreSQL, its progress on the page."""

from __future__ import annotations

import time

from sqlalchemy import select

from tests.conftest import sign_in
from tests.web.outcomes_data import build_outcomes_program
from tests.web.test_outcome_reports import _check_report
from tests.web.test_production_path import pg_app, pg_program, stack  # noqa: F401
from web.extensions import db
from web.models import ReportBuild


def _poll_progress(client, url: str, timeout: float = 60) -> list[dict]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.append(client.get(url).get_json())
        if seen[-1]["status"] in ("succeeded", "failed"):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the report was not built within {timeout} s: {seen[-3:]}")


def test_the_worker_builds_the_report_while_the_page_shows_progress(pg_app, pg_program):  # noqa: F811
    build_outcomes_program(pg_program, seed=3)
    client = pg_app.test_client()
    sign_in(client, pg_program.coordinator)

    first = client.get("/coordinator/outcomes/").get_data(as_text=True)
    assert 'data-progress-url="/coordinator/outcomes/progress.json"' in first
    assert "Building the report" in first and 'id="chart-completion"' not in first

    seen = _poll_progress(client, "/coordinator/outcomes/progress.json")
    assert seen[-1] == {"status": "succeeded", "progress": 1.0, "message": ""}
    fractions = [s["progress"] for s in seen if s["status"] == "running"]
    assert fractions == sorted(fractions)

    page = client.get("/coordinator/outcomes/").get_data(as_text=True)
    assert 'id="chart-completion"' in page and "Building the report" not in page
    db.session.expire_all()
    build = db.session.scalar(select(ReportBuild).where(ReportBuild.scope == "program"))
    _check_report(build.result)


def test_the_partners_report_is_built_for_its_own_apprentices(pg_app, pg_program):  # noqa: F811
    build_outcomes_program(pg_program, seed=5)
    client = pg_app.test_client()
    sign_in(client, pg_program.partner_b_user)
    assert "Building the report" in client.get("/partner/outcomes").get_data(as_text=True)
    seen = _poll_progress(client, "/partner/outcomes/progress.json")
    assert seen[-1]["status"] == "succeeded"
    db.session.expire_all()
    scope = f"partner:{pg_program.partner_b.id}"
    build = db.session.scalar(select(ReportBuild).where(ReportBuild.scope == scope))
    _check_report(build.result, pg_program.partner_b.id)
