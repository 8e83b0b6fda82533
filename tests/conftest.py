"""Shared fixtures: an app on a real database, signed-in clients, and a small program."""

from __future__ import annotations

import functools
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade

from web import create_app
from web.auth.passwords import hash_password
from web.extensions import db
from web.models import Cohort, CoordinatorRole, PartnerInstitution, Role, User
from web.services.taxonomy import ensure_skills

PASSWORD = "correct-horse-battery"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def test_config(database_url: str) -> dict:
    """Settings for a test app: real database, CSRF on, tasks in-process.

    Rate limits count in this app's memory. Failed sign-ins keep their real limits (tests
    that sign in correctly never use them up); forms that count every submission get room
    for the tests that send them many times. The throttling tests set their own limits.
    """
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "localhost",
        "MFA_REQUIRED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "REGISTRATION_LIMIT": "1000 per hour",
        "FORGOT_PASSWORD_LIMIT": "1000 per hour",
    }


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite database upgraded through every Alembic migration, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "pathways.db"
    app = create_app(test_config(f"sqlite:///{path}"), instance_path=str(path.parent))
    with app.app_context():
        upgrade()
        ensure_skills()
        db.session.commit()
        db.engine.dispose()
    return path


@pytest.fixture
def app(migrated_sqlite, tmp_path):
    """A Pathways app on its own copy of a migrated SQLite database."""
    path = tmp_path / "pathways.db"
    shutil.copy(migrated_sqlite, path)
    app = create_app(test_config(f"sqlite:///{path}"), instance_path=str(tmp_path / "instance"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A browser-like test client that keeps cookies."""
    return app.test_client()


def csrf_token_from(html: str) -> str:
    """The CSRF token a rendered form carries."""
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def submit(client, url: str, data: dict, *, form_url: str | None = None, follow: bool = True):
    """Open the page holding a form, then post `data` with that form's CSRF token."""
    page = client.get(form_url or url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=follow)


def sign_in(client, user: User) -> None:
    """Sign `user` in through the real sign-in form."""
    response = submit(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)


@dataclass
class Program:
    """A small program: two partners, one cohort, a coordinator and partner contacts."""

    partner_a: PartnerInstitution
    partner_b: PartnerInstitution
    cohort: Cohort
    coordinator: User
    partner_a_user: User
    partner_b_user: User


@functools.cache
def _password_hash() -> str:
    """The test password's Argon2id hash, computed once rather than for every user."""
    return hash_password(PASSWORD)


def make_user(
    role: Role, email: str, name: str = "Test User", partner=None, coordinator_role=None
) -> User:
    """A user with the shared test password; a coordinator is a program admin unless told."""
    if role == Role.COORDINATOR and coordinator_role is None:
        coordinator_role = CoordinatorRole.ADMIN
    user = User(
        email=email, name=name, role=role, partner=partner, coordinator_role=coordinator_role
    )
    user.password_hash = _password_hash()
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def program(app) -> Program:
    """Partners A and B, an open cohort, a coordinator and one contact per partner."""
    return build_program()


def build_program() -> Program:
    """Store the small test program in the current app's database."""
    partner_a = PartnerInstitution(name="Lakeshore Community College", kind="community_college")
    partner_b = PartnerInstitution(name="Westside Technical High School", kind="high_school")
    cohort = Cohort(name="2027 Spring", starts_on=date(2027, 2, 1), ends_on=date(2027, 12, 1))
    db.session.add_all([partner_a, partner_b, cohort])
    db.session.flush()
    result = Program(
        partner_a=partner_a,
        partner_b=partner_b,
        cohort=cohort,
        coordinator=make_user(Role.COORDINATOR, "coord@city.example.gov", "Casey Coordinator"),
        partner_a_user=make_user(Role.PARTNER, "a@lakeshore.example.org", "Ana", partner_a),
        partner_b_user=make_user(Role.PARTNER, "b@westside.example.org", "Ben", partner_b),
    )
    db.session.commit()
    return result


def require_service(name: str, reachable: bool) -> None:
    """Skip a test needing `name` locally when it is down, but fail in CI, never skip there."""
    if reachable:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not reachable, and CI must run the tests that need it")
    pytest.skip(f"{name} is not running on this machine")
