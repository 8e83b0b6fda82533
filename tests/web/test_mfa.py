"""Second-factor sign-in with real TOTP codes: enrolment, codes, recovery codes, demo mode."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, submit
from tests.web.auth_helpers import (  # noqa: F401
    each_request_starts_from_its_own_cookies,
    sign_in_with,
    sign_out,
)
from web.auth.tokens import RESET, password_token
from web.config import settings_from_env
from web.extensions import db
from web.models import RecoveryCode, SecurityEvent, User

CODES = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


@pytest.fixture
def production_mfa(app):
    """MFA as in production mode."""
    app.config["MFA_REQUIRED"] = True


def code_at(secret: str, clock) -> str:
    """The code an authenticator app shows at the test clock's time."""
    return pyotp.TOTP(secret).at(clock.now)


def enrol(client, user: User, clock) -> list[str]:
    """Sign in for the first time, set up the app, and return the recovery codes shown."""
    start = sign_in_with(client, user.email, follow=False)
    assert start.headers["Location"] == "/login/set-up"
    page = client.get("/login/set-up").get_data(as_text=True)
    secret = re.search(r'<code class="pathways-secret">([A-Z2-7]+)</code>', page).group(1)
    done = submit(client, "/login/set-up", {"code": code_at(secret, clock)})
    assert done.status_code == 200
    return CODES.findall(done.get_data(as_text=True))


def test_a_coordinator_enrols_at_first_sign_in(app, client, program, production_mfa, clock):
    coordinator = program.coordinator
    start = sign_in_with(client, coordinator.email, follow=False)
    assert start.headers["Location"] == "/login/set-up"
    assert client.get("/coordinator/").status_code == 302  # not signed in yet

    page = client.get("/login/set-up").get_data(as_text=True)
    assert "<svg" in page and "</svg>" in page and "style=" not in page
    secret = re.search(r'<code class="pathways-secret">([A-Z2-7]+)</code>', page).group(1)
    assert db.session.get(User, coordinator.id).totp_secret == secret
    wrong = submit(client, "/login/set-up", {"code": "000000"})
    assert "This code is not right" in wrong.get_data(as_text=True)

    done = submit(client, "/login/set-up", {"code": code_at(secret, clock)})

    codes = CODES.findall(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert done.headers["Cache-Control"] == "no-store"
    assert client.get("/coordinator/").status_code == 200
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # kept hashed
    kinds = db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()
    assert kinds == ["mfa.failed", "mfa.enrolled", "sign_in"]


def test_next_sign_ins_ask_for_a_code_each_usable_once(app, client, program, production_mfa, clock):
    partner = program.partner_a_user
    secret_owner = partner
    enrol(client, partner, clock)
    secret = db.session.get(User, secret_owner.id).totp_secret
    sign_out(client)
    clock.advance(minutes=1)

    start = sign_in_with(client, partner.email, follow=False)
    assert start.headers["Location"] == "/login/code"
    assert client.get("/partner/").status_code == 302
    wrong = submit(client, "/login/code", {"code": "123456"})
    assert wrong.status_code == 200
    assert "This code is not right, or was already used" in wrong.get_data(as_text=True)
    code = code_at(secret, clock)
    landing = submit(client, "/login/code", {"code": code})
    assert "Welcome, Ana." in landing.get_data(as_text=True)
    assert client.get("/partner/").status_code == 200

    sign_out(client)
    sign_in_with(client, partner.email)
    replayed = submit(client, "/login/code", {"code": code})
    assert "already used" in replayed.get_data(as_text=True)
    failures = select(SecurityEvent).where(SecurityEvent.kind == "mfa.failed")
    assert len(db.session.scalars(failures).all()) == 2


def test_a_recovery_code_signs_in_once(app, client, program, production_mfa, clock):
    codes = enrol(client, program.coordinator, clock)
    sign_out(client)

    sign_in_with(client, program.coordinator.email)
    landing = submit(client, "/login/code", {"code": codes[3].upper()})
    assert "You used a recovery code; 9 of them are left." in landing.get_data(as_text=True)
    sign_out(client)

    sign_in_with(client, program.coordinator.email)
    again = submit(client, "/login/code", {"code": codes[3]})
    assert "already used" in again.get_data(as_text=True)
    assert client.get("/coordinator/").status_code == 302


def test_wrong_codes_are_throttled_per_account(app, client, program, production_mfa, clock):
    enrol(client, program.coordinator, clock)
    sign_out(client)
    sign_in_with(client, program.coordinator.email)
    for _ in range(5):
        submit(client, "/login/code", {"code": "000000"})

    refused = submit(client, "/login/code", {"code": "000000"})

    assert refused.status_code == 429
    assert "Enter your authentication code" in refused.get_data(as_text=True)


def test_the_password_step_expires_after_ten_minutes(app, client, program, production_mfa, clock):
    sign_in_with(client, program.coordinator.email)
    clock.advance(minutes=11)

    page = client.get("/login/set-up", follow_redirects=True)

    assert page.request.path == "/login"
    assert "Please sign in again" in page.get_data(as_text=True)


def test_apprentices_and_mentors_sign_in_with_a_password(app, client, program, production_mfa):
    from tests.factories import make_mentor

    mentor = make_mentor()
    db.session.commit()

    landing = sign_in_with(client, mentor.user.email)

    assert "Welcome," in landing.get_data(as_text=True)
    assert landing.request.path == "/mentor/"


def test_a_reset_link_leads_to_the_code_not_straight_in(app, client, program, production_mfa):
    path = f"/password/set/{password_token(program.coordinator, RESET)}"

    response = submit(
        client, path, {"password": "a-new-long-passphrase", "confirm": "a-new-long-passphrase"}
    )

    assert response.request.path == "/login/set-up"
    assert client.get("/coordinator/").status_code == 302


def test_the_demo_signs_in_with_a_password_and_says_it_is_a_demo(app, client, program):
    assert "This is a demo of Pathways" in client.get("/login").get_data(as_text=True)

    landing = sign_in_with(client, program.coordinator.email, PASSWORD)

    assert landing.request.path == "/coordinator/"


def test_production_app_needs_the_login_page_without_demo_note(app, client, production_mfa):
    assert "This is a demo" not in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("environment", "required"),
    [
        ({"DATABASE_URL": "postgresql://db.example/pathways"}, True),
        ({}, False),
        ({"DATABASE_URL": "postgresql://db.example/pathways", "MFA_REQUIRED": "0"}, False),
    ],
)
def test_mfa_is_required_in_production_mode(monkeypatch, tmp_path, environment, required):
    for name in ("DATABASE_URL", "MFA_REQUIRED"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    assert settings_from_env(tmp_path)["MFA_REQUIRED"] is required


def test_the_team_can_reset_a_lost_authenticator(app, client, program, production_mfa, clock):
    enrol(client, program.coordinator, clock)

    result = app.test_cli_runner().invoke(
        args=["auth", "reset-second-step", program.coordinator.email.upper()]
    )

    assert result.exit_code == 0, result.output
    assert "will set up an authenticator app at their next sign-in" in result.output
    assert client.get("/coordinator/").status_code == 302  # the session ended too
    start = sign_in_with(client, program.coordinator.email, follow=False)
    assert start.headers["Location"] == "/login/set-up"
    unknown = app.test_cli_runner().invoke(args=["auth", "reset-second-step", "x@example.org"])
    assert unknown.exit_code != 0 and "No account uses x@example.org" in unknown.output
