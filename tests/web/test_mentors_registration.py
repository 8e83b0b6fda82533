"""Mentor registration and profile changes through the real forms."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from, sign_in, submit
from tests.factories import make_mentor
from tests.web.test_apprentices_registration import (  # noqa: F401
    fast_password_hashing,
    is_checked,
    outbox_text,
)
from web.extensions import db
from web.models import MentorProfile, Role

URL = "/mentor/register"
NEW_PASSWORD = "a-long-passphrase"


def mentor_form(**changes) -> dict:
    """A complete, valid mentor registration as the browser would send it."""
    data = {
        "name": "Dana Okafor",
        "email": "dana.okafor@cityofchicago.example",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "department": "Department of Innovation and Technology",
        "job_title": "Data Engineer",
        "job_title_other": "",
        "phone": "(312) 555-0100",
        "pathways": ["data_analytics"],
        "skill_levels-sql": "3",
        "skill_levels-python": "2",
        "capacity": "2",
        "availability": ["1-evening", "3-midday"],
        "mode": "in_person",
        "region": "central",
        "languages": ["english", "polish"],
        "background_check_declared": "y",
        "accepting": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_registration_creates_mentor_then_signing_in_shows_the_dashboard(client, program):
    answer = submit(client, URL, mentor_form())
    assert answer.request.path == "/login"
    assert "Thank you for registering" in answer.get_data(as_text=True)
    assert "Confirm your email address for Pathways" in outbox_text()
    response = submit(
        client, "/login", {"email": "dana.okafor@cityofchicago.example", "password": NEW_PASSWORD}
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Your apprentices" in page
    assert "No apprentice is waiting for your answer." in page
    profile = db.session.scalar(select(MentorProfile))
    assert profile.user.role == Role.MENTOR
    assert profile.user.email == "dana.okafor@cityofchicago.example"
    assert profile.job_title == "Data Engineer"
    assert profile.capacity == 2
    # Their own tick is a declaration; a coordinator confirms it before any minor is paired.
    assert (profile.background_check_declared, profile.background_checked) == (True, False)
    assert "waiting for the program to confirm it" in page
    assert profile.accepting is True
    assert profile.phone == "(312) 555-0100"
    assert {s.skill.key: s.level for s in profile.skills} == {"sql": 3, "python": 2}
    assert profile.availability == [[1, 1020, 1200], [3, 720, 780]]
    assert profile.languages == ["english", "polish"]


def test_job_title_can_be_typed_in(client, program):
    submit(client, URL, mentor_form(job_title="other", job_title_other="Chief Data Officer"))

    assert db.session.scalar(select(MentorProfile.job_title)) == "Chief Data Officer"


BAD_INPUT = [
    {
        "name": (None, "Enter your name."),
        "department": (None, "Choose your department."),
        "capacity": ("0", "Enter a whole number from 1 to 5."),
        "pathways": (None, "Choose at least one career pathway."),
        "availability": (None, "Tick at least one time you can meet."),
    },
    {
        "email": ("nope", "Enter an email address like name@example.org."),
        "password": ("short", "Use at least 12 characters."),
        "capacity": ("abc", "Enter a whole number from 1 to 5."),
        "job_title": ("other", "Type your job title, or choose one from the list."),
        "phone": ("call me", "Enter a phone number like 312-555-0100."),
        "languages": (None, "Choose at least one language."),
    },
    {
        "confirm": ("different-password", "The two passwords are not the same."),
        "capacity": ("6", "Enter a whole number from 1 to 5."),
        "skill_levels-sql": ("0", None),
        "skill_levels-python": ("0", "Choose at least one skill you can teach."),
        "mode": (None, "Choose how you would like to meet."),
        "region": (None, "Choose a part of the city."),
    },
    {"capacity": (None, "Enter a whole number from 1 to 5."), "email": (None, "Enter your email")},
]


@pytest.mark.parametrize("bad", BAD_INPUT)
def test_bad_input_is_explained_and_kept(client, program, bad):
    changes = {name: value for name, (value, _message) in bad.items()}

    page = submit(client, URL, mentor_form(**changes)).get_data(as_text=True)

    for _name, (_value, message) in bad.items():
        if message:
            assert message in page
    assert db.session.scalar(select(MentorProfile)) is None
    if "name" not in bad:
        assert 'value="Dana Okafor"' in page
    if "capacity" in bad and bad["capacity"][0]:
        assert f'value="{bad["capacity"][0]}"' in page
    if "pathways" not in bad:
        assert is_checked(page, "pathways", "data_analytics")
    assert NEW_PASSWORD not in page


def test_duplicate_email_answers_as_a_success_and_tells_the_owner(client, program):
    page = submit(client, URL, mentor_form(email=program.coordinator.email)).get_data(as_text=True)

    assert 'id="email-error-1"' not in page
    assert "with the link we have sent to coord@city.example.gov" in page
    assert "You already have a Pathways account" in outbox_text()
    assert db.session.scalar(select(MentorProfile)) is None


def test_post_without_csrf_token_is_rejected(client, program):
    assert client.post(URL, data=mentor_form()).status_code == 400
    assert db.session.scalar(select(MentorProfile)) is None


def test_a_form_filled_in_slowly_is_still_accepted(client, program, monkeypatch):
    token = csrf_token_from(client.get(URL).get_data(as_text=True))
    three_hours_later = time.time() + 3 * 3600
    monkeypatch.setattr(time, "time", lambda: three_hours_later)

    response = client.post(URL, data={**mentor_form(), "csrf_token": token})

    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(MentorProfile)) is not None


def test_mentor_changes_capacity_and_availability_for_next_round(client, program):
    mentor = make_mentor(job_title="Regional Data Lead", capacity=1)
    db.session.commit()
    sign_in(client, mentor.user)
    page = client.get("/mentor/profile").get_data(as_text=True)
    assert 'value="Regional Data Lead"' in page
    assert is_checked(page, "availability", "0-evening")

    data = mentor_form(capacity="3", availability=["6-afternoon"], accepting=None)
    for account_field in ("name", "email", "password", "confirm"):
        data.pop(account_field)
    response = submit(client, "/mentor/profile", data)

    assert "The next matching round will use it." in response.get_data(as_text=True)
    db.session.refresh(mentor)
    assert mentor.capacity == 3
    assert mentor.availability == [[6, 780, 1020]]
    assert mentor.accepting is False
    assert mentor.job_title == "Data Engineer"
    assert {s.skill.key for s in mentor.skills} == {"sql", "python"}


def test_mentor_profile_bad_capacity_changes_nothing(client, program):
    mentor = make_mentor(capacity=2)
    db.session.commit()
    sign_in(client, mentor.user)

    data = mentor_form(capacity="abc")
    page = submit(client, "/mentor/profile", data).get_data(as_text=True)

    assert "Enter a whole number from 1 to 5." in page
    db.session.refresh(mentor)
    assert mentor.capacity == 2
