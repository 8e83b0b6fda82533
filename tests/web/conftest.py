"""Fixtures of the web tests: the same test on SQLite and PostgreSQL, and the browser.

`any_app` runs a test on SQLite, then on a scratch PostgreSQL database (`pg_stack`, one per
test module); `pg_app` is that PostgreSQL app alone. `live_server`, `browser`, `phone` and
`check_page` drive the app served on a local port in headless Debian Chromium.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from tests.conftest import build_program, require_service, sign_in
from tests.conftest import test_config as settings_for
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from tests.services import postgres_reachable, scratch_database
from tests.web.emptying import empty_tables
from web import create_app
from web.demo import load_demo_program
from web.extensions import db
from web.models import MatchStatus
from web.services.taxonomy import ensure_skills

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"

UNLABELLED_FIELDS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)
"""
HEADING_LEVELS = "() => [...document.querySelectorAll('h1,h2,h3,h4')].map(h => +h.tagName[1])"
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, migrated_sqlite):
    """The app with demo data, served over HTTP on a free local port."""
    path = tmp_path_factory.mktemp("live") / "pathways.db"
    shutil.copy(migrated_sqlite, path)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}, instance_path=str(path.parent)
    )
    with app.app_context():
        load_demo_program(seed=5, apprentices=40, mentors=10)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright."""
    require_service("Chromium", os.path.exists(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh page the size of a phone screen."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, exclude: tuple[str, ...] = ()) -> list[str]:
    """axe-core's violations on the page, as 'rule: first failing element' lines."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = Axe().run(page, context=context)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]]


def check_page(page, name: str, *, exclude: tuple[str, ...] = ()) -> None:
    """Labelled fields, ordered headings, no sideways scrolling, no axe-core violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert page.evaluate(UNLABELLED_FIELDS) == []
    levels = page.evaluate(HEADING_LEVELS)
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert page.evaluate(OVERFLOW) <= 0
    assert page.evaluate("() => document.documentElement.lang") in ("en", "es")
    assert axe_violations(page, exclude) == []


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: float = 1_900_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, *, minutes: float = 0, hours: float = 0) -> None:
        """Move time forward."""
        self.now += minutes * 60 + hours * 3600


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Control the time the sessions and authentication codes see."""
    fake = Clock()
    monkeypatch.setattr("web.auth.sessions.clock", fake)
    monkeypatch.setattr("web.auth.views.clock", fake)
    monkeypatch.setattr("web.auth.mfa_views.clock", fake)
    return fake


@pytest.fixture(scope="module")
def pg_stack(tmp_path_factory):
    """An app on a scratch PostgreSQL database migrated to the head, tasks run in-process."""
    require_service("PostgreSQL", postgres_reachable())
    with scratch_database() as database_url:
        url = database_url.replace("postgresql://", "postgresql+psycopg://")
        app = create_app(settings_for(url), instance_path=str(tmp_path_factory.mktemp("pg")))
        with app.app_context():
            upgrade()
            ensure_skills()
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def pg_app(pg_stack):
    """The PostgreSQL app in an app context; every table but skills emptied afterwards."""
    with pg_stack.app_context():
        yield pg_stack
        db.session.remove()
        empty_tables()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, app):
    """The test's app on SQLite, then on PostgreSQL (every table but skills emptied after)."""
    if request.param == "sqlite":
        yield app
        return
    yield request.getfixturevalue("pg_app")


@pytest.fixture
def world(any_app):
    """A program with one published pair, and a client signed in as its coordinator."""
    program = build_program()
    match = make_round(
        program.cohort, [(make_apprentice(program), make_mentor(), MatchStatus.APPROVED)]
    ).matches[0]
    mentorship = publish_pair(match)
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, program.coordinator)
    return client, program, mentorship
