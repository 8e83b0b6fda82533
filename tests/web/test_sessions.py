"""Sessions the server ends: sign-out, new passwords, deactivation, idle and absolute limits."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from, sign_in
from tests.factories import make_mentor
from tests.web.auth_helpers import (  # noqa: F401
    browser_with_cookie,
    each_request_starts_from_its_own_cookies,
    saved_cookie,
    sign_out,
)
from web.auth.services import set_new_password
from web.auth.sessions import SessionInterface
from web.config import settings_from_env
from web.extensions import db
from web.services import accounts

DASHBOARD = "/coordinator/"


def is_signed_in(client, page: str = DASHBOARD) -> bool:
    """True if the browser's session still opens a page that needs signing in."""
    response = client.get(page)
    return response.status_code == 200


def test_a_cookie_saved_before_sign_out_no_longer_works(app, client, program):
    sign_in(client, program.coordinator)
    cookie = saved_cookie(client)
    assert is_signed_in(browser_with_cookie(app, cookie))

    sign_out(client)

    replayed = browser_with_cookie(app, cookie).get(DASHBOARD)
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith("/login")


def test_signing_out_ends_the_sessions_in_other_browsers_too(app, program):
    office, laptop = app.test_client(), app.test_client()
    sign_in(office, program.coordinator)
    sign_in(laptop, program.coordinator)

    sign_out(office)

    assert not is_signed_in(laptop)


def test_a_new_password_ends_every_session(app, client, program):
    sign_in(client, program.coordinator)

    set_new_password(program.coordinator, "a-completely-new-passphrase")
    db.session.commit()

    assert not is_signed_in(client)


def test_deactivating_an_account_ends_its_sessions(app, client, program):
    sign_in(client, program.coordinator)

    program.coordinator.active = False
    db.session.commit()

    assert not is_signed_in(client)


def test_a_coordinator_session_ends_after_30_idle_minutes(app, client, program, clock):
    sign_in(client, program.coordinator)
    clock.advance(minutes=29)
    assert is_signed_in(client)
    clock.advance(minutes=29)  # 29 minutes since the last page, 58 since signing in
    assert is_signed_in(client)

    clock.advance(minutes=31)
    response = client.get(DASHBOARD, follow_redirects=True)

    assert response.request.path == "/login"
    assert "Your session ended after 30 minutes without activity" in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_a_page_sends_a_new_session_cookie_only_when_the_last_use_is_a_minute_old(
    app, client, program, clock
):
    sign_in(client, program.coordinator)
    clock.advance(minutes=1)
    assert "Set-Cookie" in client.get(DASHBOARD).headers  # the last use, written back

    clock.advance(minutes=0.5)
    assert "Set-Cookie" not in client.get(DASHBOARD).headers  # nothing changed in the session

    clock.advance(minutes=29)  # 29.5 minutes after the last use written back
    assert is_signed_in(client)
    clock.advance(minutes=31)
    assert not is_signed_in(client)


def test_apprentices_and_mentors_have_a_longer_idle_limit(app, client, program, clock):
    mentor = make_mentor()
    db.session.commit()
    sign_in(client, mentor.user)
    clock.advance(minutes=90)
    assert is_signed_in(client, "/mentor/")

    clock.advance(minutes=121)
    assert not is_signed_in(client, "/mentor/")


def test_the_idle_limit_comes_from_the_settings(app, client, program, clock):
    app.config["SESSION_IDLE_MINUTES"] = {**app.config["SESSION_IDLE_MINUTES"], "coordinator": 5}
    sign_in(client, program.coordinator)
    clock.advance(minutes=6)
    assert not is_signed_in(client)


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, client, program, clock):
    sign_in(client, program.coordinator)
    for _ in range(12 * 3):
        clock.advance(minutes=20)
        assert is_signed_in(client)

    clock.advance(minutes=20)
    response = client.get(DASHBOARD, follow_redirects=True)

    assert response.request.path == "/login"
    assert "sessions last 12 hours at most" in response.get_data(as_text=True)


def test_the_csrf_token_changes_at_sign_in(app, client, program):
    before = csrf_token_from(client.get("/login").get_data(as_text=True))
    sign_in(client, program.coordinator)
    form_page = client.get("/coordinator/cohorts/new").get_data(as_text=True)
    after = csrf_token_from(form_page)

    assert after != before
    refused = client.post("/coordinator/cohorts/new", data={"csrf_token": before, "name": "X"})
    assert refused.status_code == 400
    assert "This form expired" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"DATABASE_URL": "postgresql://db.example/pathways"}, True),
        ({}, "auto"),
        ({"DATABASE_URL": "postgresql://db.example/pathways", "SESSION_COOKIE_SECURE": "0"}, False),
        ({"SESSION_COOKIE_SECURE": "1"}, True),
    ],
)
def test_secure_cookie_setting(monkeypatch, tmp_path, environment, expected):
    for name in ("DATABASE_URL", "SESSION_COOKIE_SECURE", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    assert settings_from_env(tmp_path)["SESSION_COOKIE_SECURE"] == expected


@pytest.mark.parametrize(
    ("address", "secure"),
    [
        ("http://localhost:5000/", False),
        ("http://127.0.0.1:5000/", False),
        ("http://pathways.city.example.gov/", True),
        ("http://10.0.0.12:5000/", True),
    ],
)
def test_the_embedded_default_sends_a_secure_cookie_unless_on_localhost(app, address, secure):
    app.config["SESSION_COOKIE_SECURE"] = "auto"
    with app.test_request_context("/", base_url=address):
        assert SessionInterface().get_cookie_secure(app) is secure


def test_the_session_cookie_is_marked_secure_when_not_on_localhost(app, program):
    app.config.update(SESSION_COOKIE_SECURE="auto", SERVER_NAME=None)
    client = app.test_client()
    response = client.get("/login", base_url="http://pathways.city.example.gov")

    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_a_reactivated_account_does_not_revive_its_old_sessions(app, client, program):
    partner = program.partner_a_user
    sign_in(client, partner)

    accounts.deactivate(partner, program.coordinator, reason="left the college")
    accounts.reactivate(partner, program.coordinator)
    db.session.commit()

    assert not is_signed_in(client, "/partner/")
