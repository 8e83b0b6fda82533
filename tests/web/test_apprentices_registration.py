"""Apprentice registration through the real form: success, every kind of bad input, CSRF."""

from __future__ import annotations

import re
from datetime import date

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.conftest import csrf_token_from, submit
from web.extensions import db
from web.language import LANGUAGE_COOKIE
from web.models import ApprenticeProfile, ApprenticeStatus, AuditEvent, Cohort, Role, User
from web.services import notifications

URL = "/apprentice/register"
NEW_PASSWORD = "a-long-passphrase"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hash passwords cheaply: at full Argon2id cost every account takes about 0.1 s."""
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr("web.auth.passwords.HASHER", cheap)


def outbox_text() -> str:
    """Every email kept in the outbox so far, as one text."""
    return "".join(path.read_text() for path in notifications.outbox_dir().glob("*.eml"))


def is_checked(page: str, name: str, value: str) -> bool:
    """True if the page has a ticked checkbox or radio `name` with `value`."""
    for tag in re.findall(r"<input [^>]*>", page):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value} on the page")


def apprentice_form(program, **changes) -> dict:
    """A complete, valid registration as the browser would send it."""
    data = {
        "name": "Maya Lopez",
        "email": "maya@students.example.org",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "partner_id": str(program.partner_a.id),
        "cohort_id": str(program.cohort.id),
        "pathways": ["software_development", "data_analytics"],
        "skill_levels-python": "3",
        "skill_levels-sql": "1",
        "availability": ["0-evening", "2-evening", "2-afternoon", "5-morning"],
        "mode": "either",
        "region": "south",
        "languages": ["english", "spanish"],
        "date_of_birth": "2001-03-14",
        "goals": "Build a website for my neighborhood group",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_registration_creates_profile_and_sends_the_new_apprentice_to_sign_in(client, program):
    response = submit(client, URL, apprentice_form(program))
    page = response.get_data(as_text=True)

    # The answer is the one a taken address gets too (see test_account_enumeration.py).
    assert response.status_code == 200 and response.request.path == "/login"
    assert "with the link we have sent to maya@students.example.org" in page
    assert "Sign out" not in page
    assert "Confirm your email address for Pathways" in outbox_text()
    signed_in = submit(
        client, "/login", {"email": "maya@students.example.org", "password": NEW_PASSWORD}
    )
    assert "Your status" in signed_in.get_data(as_text=True)
    profile = db.session.scalar(select(ApprenticeProfile))
    assert profile.user.email == "maya@students.example.org"
    assert profile.user.role == Role.APPRENTICE
    assert profile.user.check_password(NEW_PASSWORD)
    assert profile.partner_id == program.partner_a.id
    assert profile.cohort_id == program.cohort.id
    assert profile.status == ApprenticeStatus.REGISTERED
    assert profile.pathways == ["software_development", "data_analytics"]
    assert {s.skill.key: s.level for s in profile.skills} == {"python": 3, "sql": 1}
    # Touching blocks merge: Wednesday 13:00-17:00 and 17:00-20:00 become one slot.
    assert profile.availability == [[0, 1020, 1200], [2, 780, 1200], [5, 540, 720]]
    assert profile.languages == ["english", "spanish"]
    assert profile.region == "south"
    assert profile.date_of_birth == date(2001, 3, 14)
    assert profile.is_minor is False
    assert profile.guardian_email == ""
    assert profile.goals == "Build a website for my neighborhood group"
    assert db.session.scalar(select(AuditEvent.action)) == "apprentice.registered"


def test_form_offers_partners_open_cohorts_and_skill_selects(client, program):
    db.session.add(Cohort(name="2025 Closed", registration_open=False))
    db.session.commit()

    page = client.get(URL).get_data(as_text=True)

    assert "Lakeshore Community College" in page
    assert "2027 Spring" in page
    assert "2025 Closed" not in page
    assert 'name="skill_levels-python"' in page
    assert "Not interested" in page and "In depth" in page
    assert "Evening, 5 to 8 pm" in page


def test_registration_closed_when_no_cohort_is_open(client, program):
    program.cohort.registration_open = False
    db.session.commit()

    page = client.get(URL).get_data(as_text=True)

    assert "Registration is closed for now" in page
    assert "csrf_token" not in page


# Each group is left out (or mistyped) in one submission; the rest of the form stays valid.
BAD_INPUT = [
    {
        "name": (None, "Enter your name."),
        "partner_id": (None, "Choose your school or organization."),
        "pathways": (None, "Choose at least one career pathway."),
        "mode": (None, "Choose how you would like to meet."),
        "languages": (None, "Choose at least one language."),
    },
    {
        "email": (None, "Enter your email address."),
        "password": (None, "Choose a password."),
        "cohort_id": (None, "Choose the cohort you are joining."),
        "availability": (None, "Tick at least one time you can meet."),
        "region": (None, "Choose a part of the city."),
        "date_of_birth": (None, "Enter your date of birth."),
    },
    {
        "email": ("not-an-email", "Enter an email address like name@example.org."),
        "password": ("short", "Use at least 12 characters."),
        "confirm": ("something-else-entirely", "The two passwords are not the same."),
        "cohort_id": ("99999", "Not a valid choice."),
        "date_of_birth": ("14/03/2001", "Enter your date of birth as year, month and day"),
    },
    {"confirm": (None, "Type the password again.")},
]


@pytest.mark.parametrize("bad", BAD_INPUT)
def test_bad_input_is_explained_next_to_the_field_and_kept(client, program, bad):
    changes = {name: value for name, (value, _message) in bad.items()}

    response = submit(client, URL, apprentice_form(program, **changes))
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    for name, (_value, message) in bad.items():
        assert message in page
        assert f'id="{name}-error-1"' in page
    assert db.session.scalar(select(ApprenticeProfile)) is None
    # What was typed stays, except passwords.
    if "name" not in bad:
        assert 'value="Maya Lopez"' in page
    if "pathways" not in bad:
        assert is_checked(page, "pathways", "software_development")
    if "email" in bad and bad["email"][0]:
        assert 'value="not-an-email"' in page
    assert "Build a website for my neighborhood group" in page
    assert NEW_PASSWORD not in page


def test_no_skill_chosen_is_refused(client, program):
    data = apprentice_form(program, **{"skill_levels-python": "0", "skill_levels-sql": "0"})

    page = submit(client, URL, data).get_data(as_text=True)

    assert "Choose at least one skill you want to learn." in page
    assert db.session.scalar(select(ApprenticeProfile)) is None


def test_typed_choices_stay_selected_after_an_error(client, program):
    data = apprentice_form(program, name=None)

    page = submit(client, URL, data).get_data(as_text=True)

    assert is_checked(page, "availability", "0-evening")
    assert not is_checked(page, "availability", "1-evening")
    assert 'value="2001-03-14"' in page
    assert '<option value="3" selected>In depth</option>' in page
    assert f'<option selected value="{program.partner_a.id}">' in page


def test_email_already_registered_answers_as_a_success_and_tells_the_owner(client, program):
    data = apprentice_form(program, email=program.coordinator.email.upper())

    page = submit(client, URL, data).get_data(as_text=True)

    assert "already exists" not in page
    assert "Thank you for registering. Confirm your email address" in page
    assert "You already have a Pathways account" in outbox_text()
    assert db.session.scalar(select(ApprenticeProfile)) is None
    assert len(db.session.scalars(select(User)).all()) == 3


def test_a_registration_racing_another_with_the_same_address_is_told_it_is_taken(
    client, program, monkeypatch
):
    # The other registration commits between this one's check and its insert.
    monkeypatch.setattr("web.auth.services.find_user_by_email", lambda email: None)
    data = apprentice_form(program, email=program.coordinator.email)

    page = submit(client, URL, data).get_data(as_text=True)

    assert "Thank you for registering. Confirm your email address" in page
    assert "You already have a Pathways account" in outbox_text()
    assert db.session.scalar(select(ApprenticeProfile)) is None
    assert len(db.session.scalars(select(User)).all()) == 3


def test_post_without_csrf_token_is_rejected(client, program):
    response = client.post(URL, data=apprentice_form(program))

    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(ApprenticeProfile)) is None


def test_csrf_token_is_in_the_form(client, program):
    assert csrf_token_from(client.get(URL).get_data(as_text=True))


def test_the_error_summary_follows_the_order_of_the_page(client, program):
    page = submit(client, URL, {}).get_data(as_text=True)

    summary = page.split('id="error-summary"')[1].split("</ul>")[0]
    linked = re.findall(r'href="#([\w-]+)"', summary)
    field_positions = [page.index(f'id="{name}"', page.index("</ul>")) for name in linked]
    assert linked[:4] == ["name", "email", "password", "confirm"]
    assert linked.index("partner_id") < linked.index("pathways-0")  # a group: its first box
    assert field_positions == sorted(field_positions), linked


def test_the_blank_questions_are_kept_but_never_someone_s_answers(client, program):
    blank = client.get(URL).get_data(as_text=True)
    assert not is_checked(blank, "availability", "0-evening")

    answered = submit(client, URL, apprentice_form(program, name=None)).get_data(as_text=True)
    assert is_checked(answered, "availability", "0-evening") and 'value="2001-03-14"' in answered

    again = client.get(URL).get_data(as_text=True)
    assert not is_checked(again, "availability", "0-evening")
    assert 'value="2001-03-14"' not in again and '<option value="3" selected>' not in again


def test_the_kept_questions_are_those_of_the_page_s_language(client, program):
    assert "What you want to learn" in client.get(URL).get_data(as_text=True)
    client.set_cookie(LANGUAGE_COOKIE, "es")
    spanish = client.get(URL).get_data(as_text=True)
    assert "What you want to learn" not in spanish and 'lang="es"' in spanish
    client.set_cookie(LANGUAGE_COOKIE, "en")
    assert "What you want to learn" in client.get(URL).get_data(as_text=True)
