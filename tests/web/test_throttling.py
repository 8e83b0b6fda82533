"""Throttling: failed sign-ins per account and per address, forgotten passwords, registration."""

from __future__ import annotations

import importlib
import random
import uuid

from sqlalchemy import select

from tests import conftest
from tests.conftest import PASSWORD, make_user, require_service, submit
from tests.services import REDIS_BASE_URL, redis_reachable
from tests.web.auth_helpers import each_request_starts_from_its_own_cookies, sign_in_with  # noqa: F401
from tests.web.test_apprentices_registration import apprentice_form
from tests.web.test_mentors_registration import mentor_form
from web import create_app
from web.config import settings_from_env
from web.extensions import db
from web.models import Role, SecurityEvent

# Importing the worker module builds an app, which binds the limiter to fresh counters. Tests
# whose emails run in-process would import it mid-test: import it before any test starts.
importlib.import_module("workers")


def fail_sign_in(client, email: str, times: int) -> None:
    """Try a wrong password `times` times."""
    for _ in range(times):
        page = sign_in_with(client, email, "a-wrong-password-123")
        assert page.status_code == 200
        assert "do not match" in page.get_data(as_text=True)


def test_an_account_is_locked_after_five_failed_sign_ins(app, client, program):
    email = program.coordinator.email
    fail_sign_in(client, email, 5)

    refused = sign_in_with(client, email, PASSWORD)  # even the right password waits
    page = refused.get_data(as_text=True)

    assert refused.status_code == 429
    assert "Too many sign-in attempts" in page and "try again in 15 minutes" in page
    assert f'value="{email}"' in page  # the form keeps what was typed
    assert 'name="password"' in page and "<h1>Sign in</h1>" in page
    assert int(refused.headers["Retry-After"]) > 0
    assert "Sign out" not in client.get("/").get_data(as_text=True)
    lockout = db.session.scalar(select(SecurityEvent).where(SecurityEvent.kind == "lockout"))
    assert lockout.email == email and lockout.details["what"] == "sign-in"


def test_a_locked_account_does_not_lock_the_others(app, client, program):
    fail_sign_in(client, program.coordinator.email, 5)

    other = sign_in_with(app.test_client(), program.partner_a_user.email)

    assert other.status_code == 200 and "Welcome, Ana." in other.get_data(as_text=True)


def test_the_email_is_compared_without_case(app, client, program):
    fail_sign_in(client, program.coordinator.email.upper(), 3)
    fail_sign_in(client, "Coord@City.Example.gov", 2)

    assert sign_in_with(client, program.coordinator.email).status_code == 429


def test_signing_in_correctly_never_uses_up_the_limit(app, program):
    for _ in range(8):
        page = sign_in_with(app.test_client(), program.coordinator.email)
        assert "Welcome, Casey Coordinator." in page.get_data(as_text=True)


def test_one_address_trying_many_accounts_is_stopped(app, client, program):
    app.config["SIGN_IN_LIMIT_PER_IP"] = "4 per 15 minutes"
    for n in range(4):
        fail_sign_in(client, f"guess{n}@city.example.gov", 1)

    refused = sign_in_with(client, "guess9@city.example.gov")

    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.get_data(as_text=True)


def test_forgot_password_is_throttled_with_the_form_kept(app, client, program):
    app.config["FORGOT_PASSWORD_LIMIT"] = "3 per 15 minutes"
    for _ in range(3):
        submit(client, "/password/forgot", {"email": "someone@city.example.gov"})

    refused = submit(client, "/password/forgot", {"email": "someone@city.example.gov"})
    page = refused.get_data(as_text=True)

    assert refused.status_code == 429
    assert "Too many password link attempts" in page
    assert 'value="someone@city.example.gov"' in page


def test_apprentice_registration_is_throttled_with_the_form_kept(app, client, program):
    app.config["REGISTRATION_LIMIT"] = "2 per hour"
    for n in range(2):
        submit(client, "/apprentice/register", apprentice_form(program, email=f"a{n}@x.example"))

    refused = submit(client, "/apprentice/register", apprentice_form(program, name="Lee Park"))
    page = refused.get_data(as_text=True)

    assert refused.status_code == 429
    assert "Too many registration attempts" in page
    assert 'value="Lee Park"' in page and "Lakeshore Community College" in page


def test_mentor_registration_is_throttled_with_the_form_kept(app, client, program):
    app.config["REGISTRATION_LIMIT"] = "1 per hour"
    submit(client, "/mentor/register", mentor_form(email="first@city.example.gov"))

    refused = submit(client, "/mentor/register", mentor_form(name="Sam Rivera"))

    assert refused.status_code == 429
    assert 'value="Sam Rivera"' in refused.get_data(as_text=True)


def test_production_settings_count_in_redis_with_short_timeouts(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/0")

    settings = settings_from_env(tmp_path)

    assert settings["RATELIMIT_STORAGE_URI"] == "redis://redis.example:6379/0"
    assert settings["RATELIMIT_STORAGE_OPTIONS"]["socket_timeout"] <= 1
    assert settings["RATELIMIT_STORAGE_OPTIONS"]["socket_connect_timeout"] <= 1
    monkeypatch.delenv("REDIS_URL")
    assert settings_from_env(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"


def test_web_processes_share_the_count_in_redis(migrated_sqlite, tmp_path):
    """Two gunicorn workers are two apps: a lockout in one holds in the other."""
    require_service("Redis", redis_reachable())
    path = tmp_path / "pathways.db"
    path.write_bytes(migrated_sqlite.read_bytes())
    shared = conftest.test_config(f"sqlite:///{path}") | {"RATELIMIT_STORAGE_URI": REDIS_BASE_URL}
    first = create_app(shared, instance_path=str(tmp_path / "one"))
    second = create_app(shared, instance_path=str(tmp_path / "two"))
    # Counters in Redis outlive the test: an account and an address no other run uses.
    email = f"pat-{uuid.uuid4().hex[:8]}@partner.example.org"
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    with first.app_context():
        make_user(Role.PARTNER, email, "Pat")
        db.session.commit()
        browser = first.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        fail_sign_in(browser, email, 5)
    with second.app_context():
        other = second.test_client()
        other.environ_base["REMOTE_ADDR"] = address
        assert sign_in_with(other, email).status_code == 429
        db.engine.dispose()
