"""Password rules, Argon2id hashing, upgrading old hashes, and sign-in without enumeration."""

from __future__ import annotations

import re
import secrets

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tests.conftest import PASSWORD, make_user, submit
from tests.web.auth_helpers import each_request_starts_from_its_own_cookies, sign_in_with  # noqa: F401
from tests.web.test_apprentices_registration import apprentice_form, outbox_text
from web.auth import passwords
from web.auth.tokens import INVITATION, password_token
from web.extensions import db
from web.models import Role, SecurityEvent, User


def imported_user() -> User:
    """An account made by an import: no usable password yet."""
    user = make_user(Role.APPRENTICE, "rosa@students.example.org", "Rosa Diaz")
    user.password_hash = "!" + secrets.token_hex(16)
    db.session.commit()
    return user


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("eleven-char", "Use at least 12 characters."),
        ("password1234", "This password is too common"),
        ("Summer2026!!!", "This password is too common"),
        ("qwertyuiop123", "This password is too common"),
        ("aaaaaaaaaaaaaaaa", "This password is too common"),
    ],
)
def test_short_and_common_passwords_are_refused_next_to_the_field(app, client, password, message):
    path = f"/password/set/{password_token(imported_user(), INVITATION)}"

    response = submit(client, path, {"password": password, "confirm": password})
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert 'id="password-error-1"' in page and message in page
    assert password not in page
    assert db.session.scalar(select(User.password_hash)).startswith("!")


def test_the_common_password_list_ships_with_the_app():
    listed = passwords.common_passwords()

    assert passwords.COMMON_PASSWORDS_FILE.is_relative_to(passwords.Path(passwords.__file__).parent)
    assert len(listed) > 5000
    assert {"password", "qwertyuiop", "iloveyou"} <= listed


def test_registration_refuses_a_common_password(client, program):
    data = apprentice_form(program, password="password123456", confirm="password123456")

    page = submit(client, "/apprentice/register", data).get_data(as_text=True)

    assert "This password is too common" in page
    assert db.session.scalar(select(User).where(User.email == "maya@students.example.org")) is None


def test_new_passwords_are_hashed_with_argon2id_at_owasp_parameters(app, client):
    path = f"/password/set/{password_token(imported_user(), INVITATION)}"
    submit(client, path, {"password": "a-long-new-passphrase", "confirm": "a-long-new-passphrase"})

    stored = db.session.scalar(select(User.password_hash))

    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(stored, "a-long-new-passphrase").matches


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256:1000"])
def test_an_old_werkzeug_hash_is_upgraded_at_the_next_sign_in(app, client, program, method):
    user = program.partner_a_user
    user.password_hash = generate_password_hash(PASSWORD, method=method)
    db.session.commit()

    wrong = sign_in_with(app.test_client(), user.email, "not-the-password")
    assert "do not match" in wrong.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash.startswith(method.split(":")[0])

    landing = sign_in_with(client, user.email)
    assert "Welcome, Ana." in landing.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash.startswith("$argon2id$")
    assert "Welcome, Ana." in sign_in_with(app.test_client(), user.email).get_data(as_text=True)


class CountingHasher(PasswordHasher):
    """Argon2id that counts its verifications."""

    verifications = 0

    def verify(self, hash, password):  # noqa: A002
        CountingHasher.verifications += 1
        return super().verify(hash, password)


@pytest.fixture
def counted(monkeypatch) -> type[CountingHasher]:
    """Count every Argon2id verification from now on."""
    CountingHasher.verifications = 0
    monkeypatch.setattr(passwords, "HASHER", CountingHasher(time_cost=2, memory_cost=19 * 1024))
    return CountingHasher


@pytest.mark.parametrize(
    "email",
    ["coord@city.example.gov", "nobody@city.example.gov", "rosa@students.example.org"],
    ids=["known", "unknown", "imported-without-password"],
)
def test_sign_in_does_the_same_work_for_unknown_accounts(app, client, program, counted, email):
    imported_user()

    page = sign_in_with(client, email, "a-wrong-password-123").get_data(as_text=True)

    assert "That email and password do not match an account." in page
    assert counted.verifications == 1  # a dummy hash stands in for a missing account
    event = db.session.scalar(select(SecurityEvent))
    assert (event.kind, event.email) == ("sign_in.failed", email)


def test_registration_with_a_taken_email_answers_exactly_as_a_new_one(app, program):
    new = submit(app.test_client(), "/apprentice/register", apprentice_form(program))
    taken_form = apprentice_form(program, email=program.partner_a_user.email)
    taken = submit(app.test_client(), "/apprentice/register", taken_form)

    def answer(response, email):
        page = response.get_data(as_text=True).replace(email, "EMAIL")
        return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)

    assert new.request.path == taken.request.path == "/login"
    assert answer(new, "maya@students.example.org") == answer(taken, program.partner_a_user.email)
    emails = outbox_text()
    assert (
        "To: maya@students.example.org" in emails
        and "Confirm your email address for Pathways" in emails
    )
    assert f"To: {program.partner_a_user.email}" in emails
    assert "You already have a Pathways account" in emails
    event = db.session.scalar(
        select(SecurityEvent).where(SecurityEvent.kind == "registration.email_taken")
    )
    assert event.user_id == program.partner_a_user.id
