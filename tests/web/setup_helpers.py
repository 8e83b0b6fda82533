"""Helpers for tests that run a program from nothing: a PostgreSQL app, emails, browsers."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import g
from flask_migrate import upgrade

from tests.conftest import require_service
from tests.conftest import test_config as settings_for
from tests.services import postgres_reachable, scratch_database
from tests.web.emptying import empty_tables
from web import create_app
from web.extensions import db
from web.services.notifications import outbox_dir
from web.services.taxonomy import ensure_skills

LINK = re.compile(r"http://localhost(/\S+)")


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory):
    """An app on a scratch PostgreSQL database with no data at all, tasks run in-process."""
    require_service("PostgreSQL", postgres_reachable())
    with scratch_database() as database_url:
        url = database_url.replace("postgresql://", "postgresql+psycopg://")
        config = settings_for(url) | {"MENTOR_EMAIL_DOMAINS": "cityofchicago.org, city.example"}
        app = create_app(config, instance_path=str(tmp_path_factory.mktemp("setup")))
        app.before_request(forget_the_last_browser)
        with app.app_context():
            upgrade()
            ensure_skills()
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def empty_program(pg_app):
    """The PostgreSQL app in a context of its own, emptied again after the test."""
    with pg_app.app_context():
        yield pg_app
        db.session.remove()
        empty_tables()
        for message in outbox_dir().glob("*.eml"):
            message.unlink()


def forget_the_last_browser() -> None:
    """Let several browsers take turns in one app context, each with its own sign-in.

    Flask-Login and Flask-WTF cache the user and the CSRF token on `g`, which the test's app
    context keeps between requests.
    """
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


@pytest.fixture
def several_browsers(empty_program, monkeypatch):
    """New browsers on the PostgreSQL app; passwords hashed cheaply, to keep the test quick."""
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr("web.auth.passwords.HASHER", cheap)
    return empty_program.test_client


def emails_to(address: str) -> list:
    """Every email kept in the outbox for `address`, oldest first."""
    messages = []
    # Files are named to the second: emails sent within one second sort by when written.
    for path in sorted(Path(outbox_dir()).glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if address in message["To"]:
            messages.append(message)
    return messages


def link_in_last_email(address: str, path_start: str) -> str:
    """The path of the link starting with `path_start` in the last email to `address`."""
    messages = emails_to(address)
    assert messages, f"no email to {address}"
    body = messages[-1].get_content()
    links = [found for found in LINK.findall(body) if found.startswith(path_start)]
    assert links, f"the last email to {address} has no {path_start} link:\n{body}"
    return links[0]
