"""How to reach the other side of a pair: a mentor's email and phone once the mentor has
confirmed, an apprentice's email once the coordinator has approved and published the pair."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from tests.web import test_publishing
from tests.web.api_tokens import bearer_for
from web.database import send_task
from web.extensions import db
from web.models import MatchStatus, MentorshipStatus
from web.services import notifications

PHONE = "312-555-0199"
smtp = test_publishing.smtp  # the fixture: a real SMTP server on localhost


@pytest.fixture
def pair(program):
    """An approved, published pair whose mentor has not answered yet."""
    apprentice = make_apprentice(program)
    mentor = make_mentor(phone=PHONE)
    match = make_round(program.cohort, [(apprentice, mentor, MatchStatus.APPROVED)]).matches[0]
    mentorship = publish_pair(match, MentorshipStatus.AWAITING_MENTOR)
    db.session.commit()
    return apprentice, mentor, mentorship


def confirm(mentorship) -> None:
    mentorship.status = MentorshipStatus.ACTIVE
    db.session.commit()


def mentor_shown(text: str, mentor) -> bool:
    return mentor.user.email in text or PHONE in text


def test_status_page_shows_the_mentor_contact_only_once_confirmed(client, pair):
    apprentice, mentor, mentorship = pair
    sign_in(client, apprentice.user)
    before = client.get("/apprentice/status").get_data(as_text=True)
    confirm(mentorship)
    after = client.get("/apprentice/status").get_data(as_text=True)

    assert mentor.user.name in before and not mentor_shown(before, mentor)
    assert mentor.user.email in after and PHONE in after


@pytest.mark.parametrize("status", [MentorshipStatus.DECLINED, MentorshipStatus.ENDED])
def test_status_page_hides_the_contact_of_a_pair_no_longer_running(client, pair, status):
    apprentice, mentor, mentorship = pair
    mentorship.status = status
    db.session.commit()
    sign_in(client, apprentice.user)

    assert not mentor_shown(client.get("/apprentice/status").get_data(as_text=True), mentor)


def test_the_apprentices_email_names_the_mentor_without_contact(app, pair):
    apprentice, mentor, mentorship = pair
    [note] = [
        n
        for n in notifications.pending_notifications(mentorship.match.round_id)
        if n.audience == "apprentice"
    ]
    body = note.message.get_content()

    assert mentor.user.name in body
    assert not mentor_shown(body, mentor)
    assert "Once they confirm, we email you how to reach them" in body


def test_partner_api_page_and_export_give_the_mentor_email_only_once_confirmed(
    client, program, pair
):
    apprentice, mentor, mentorship = pair
    auth = bearer_for(program.partner_a_user)
    api = f"/api/v1/apprentices/{apprentice.id}"
    sign_in(client, program.partner_a_user)
    page = f"/partner/apprentices/{apprentice.id}"
    export = f"/partner/cohorts/{program.cohort.id}/apprentices.csv"

    def exported_mentor_email() -> str:
        rows = csv.DictReader(io.StringIO(client.get(export).get_data(as_text=True)))
        return {int(r["apprentice_id"]): r for r in rows}[apprentice.id]["mentor_email"]

    assert client.get(api, headers=auth).json["mentor"]["email"] is None
    assert client.get(api, headers=auth).json["mentor"]["name"] == mentor.user.name
    assert mentor.user.email not in client.get(page).get_data(as_text=True)
    assert exported_mentor_email() == ""

    confirm(mentorship)

    assert client.get(api, headers=auth).json["mentor"]["email"] == mentor.user.email
    assert mentor.user.email in client.get(page).get_data(as_text=True)
    assert exported_mentor_email() == mentor.user.email


def test_mentor_sees_the_apprentice_email_only_for_published_running_pairs(client, program):
    mentor = make_mentor()
    published = make_apprentice(program)
    approved_only = make_apprentice(program)
    declined = make_apprentice(program)
    match_round = make_round(
        program.cohort,
        [
            (published, mentor, MatchStatus.APPROVED),
            (approved_only, mentor, MatchStatus.APPROVED),
            (declined, mentor, MatchStatus.APPROVED),
        ],
    )
    by_apprentice = {m.apprentice_id: m for m in match_round.matches}
    publish_pair(by_apprentice[published.id], MentorshipStatus.AWAITING_MENTOR)
    publish_pair(by_apprentice[declined.id], MentorshipStatus.DECLINED)
    db.session.commit()
    sign_in(client, mentor.user)

    page = client.get("/mentor/").get_data(as_text=True)

    assert published.user.email in page
    assert approved_only.user.email not in page and approved_only.user.name not in page
    assert declined.user.email not in page


def test_the_mentors_email_lists_apprentices_without_their_addresses(app, pair):
    apprentice, _, mentorship = pair
    [note] = [
        n
        for n in notifications.pending_notifications(mentorship.match.round_id)
        if n.audience == "mentor"
    ]
    body = note.message.get_content()

    assert apprentice.user.name in body and apprentice.user.email not in body


def test_the_mentors_confirmation_emails_the_apprentice_how_to_reach_them_once(
    client, program, smtp
):
    apprentice = make_apprentice(program, is_minor=True, guardian_email="gloria@family.example.org")
    mentor = make_mentor(phone=PHONE)
    match = make_round(program.cohort, [(apprentice, mentor, MatchStatus.APPROVED)]).matches[0]
    mentorship = publish_pair(match, MentorshipStatus.AWAITING_MENTOR)
    db.session.commit()
    sign_in(client, mentor.user)

    submit(client, f"/mentor/mentorships/{mentorship.id}/confirm", {}, form_url="/mentor/")

    [email] = smtp.to(apprentice.user.email)
    assert email["Cc"] == "gloria@family.example.org"
    body = email.get_payload(decode=True).decode()
    assert mentor.user.email in body and PHONE in body
    assert send_task("workers.tasks.send_mentor_contact", mentorship.id).get() is False
    assert len(smtp.to(apprentice.user.email)) == 1
