"""A person downloads their own data, as JSON, from their own page."""

from __future__ import annotations

import json

import pytest

from tests.conftest import sign_in
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from web.extensions import db
from web.models import CheckIn, MatchStatus


@pytest.fixture
def pair(program):
    apprentice = make_apprentice(program, goals="Learn to build APIs")
    mentor = make_mentor(phone="312-555-0101")
    match = make_round(program.cohort, [(apprentice, mentor, MatchStatus.APPROVED)]).matches[0]
    mentorship = publish_pair(match)
    note = CheckIn(mentorship=mentorship, author=apprentice.user, author_role="apprentice")
    note.month, note.rating, note.note = "2027-03", 5, "Great first month"
    db.session.add(note)
    make_apprentice(program, goals="Someone else's goals")
    db.session.commit()
    return apprentice, mentor


def download(client, page: str) -> dict:
    assert "/account/my-data.json" in client.get(page).get_data(as_text=True)
    response = client.get("/account/my-data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return json.loads(response.get_data(as_text=True))


def test_an_apprentice_downloads_their_data(client, pair):
    apprentice, mentor = pair
    sign_in(client, apprentice.user)
    data = download(client, "/apprentice/status")
    assert data["account"]["email"] == apprentice.user.email
    profile = data["apprentice_profile"]
    assert profile["goals"] == "Learn to build APIs"
    assert profile["partner_institution"] == "Lakeshore Community College"
    assert data["mentorships"][0]["mentor"] == mentor.user.name
    assert data["check_ins"] == [
        {"mentorship_id": 1, "month": "2027-03", "rating": 5, "note": "Great first month"}
    ]
    assert "Someone else's goals" not in json.dumps(data)


def test_a_mentor_downloads_their_data(client, pair):
    apprentice, mentor = pair
    sign_in(client, mentor.user)
    data = download(client, "/mentor/")
    assert data["mentor_profile"]["phone"] == "312-555-0101"
    assert data["mentorships"][0]["apprentice"] == apprentice.user.name
    assert data["check_ins"] == []


def test_a_partner_contact_downloads_their_data(client, program):
    sign_in(client, program.partner_a_user)
    data = download(client, "/partner/")
    assert data["account"]["name"] == "Ana"
    assert data["partner_institution"]["name"] == "Lakeshore Community College"


def test_signed_out_visitors_get_no_data(client, program):
    assert client.get("/account/my-data.json").status_code in (302, 401)
