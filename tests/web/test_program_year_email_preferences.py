"""Turning off non-essential emails from a signed link, without signing in."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import make_user
from web.extensions import db
from web.models import AuditEvent, Role
from web.services import email_preferences


def test_a_non_essential_email_carries_one_click_unsubscribe_headers_and_link(app, program):
    user = make_user(Role.MENTOR, "mentor@city.example.gov", "Mo Mentor")

    message = email_preferences.optional_email(user, "Reminder", ["Hello Mo,"])

    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://localhost/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.get_content()


def test_a_mail_client_one_click_post_turns_emails_off_without_sign_in(app, client, program):
    user = make_user(Role.APPRENTICE, "ada@students.example.org", "Ada")
    db.session.commit()
    path = "/email/unsubscribe/" + email_preferences.unsubscribe_token(user)

    response = client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You no longer receive reminders" in response.text
    assert not email_preferences.wants_non_essential(user)
    assert email_preferences.optional_email(user, "Reminder", ["Hi"]) is None
    required = email_preferences.required_email([user.email], "Your match", ["Hi"], "you asked.")
    assert "This email cannot be turned off: you asked." in required.get_content()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == user.id))
    assert event.action == "email.non_essential_off" and event.actor_id == user.id


def test_the_link_page_asks_first_and_can_turn_emails_back_on(app, client, program):
    user = make_user(Role.MENTOR, "mo@city.example.gov", "Mo")
    db.session.commit()
    path = "/email/unsubscribe/" + email_preferences.unsubscribe_token(user)

    page = client.get(path).text
    assert "Turn off non-essential emails" in page and "cannot be turned off" in page
    assert email_preferences.wants_non_essential(user)  # opening the link changes nothing

    client.post(path)
    assert "Turn them back on" in client.get(path).text
    client.post(path, data={"non_essential": "on"})
    assert email_preferences.wants_non_essential(user)


def test_an_altered_link_is_refused_clearly(client, program):
    user = make_user(Role.MENTOR, "mo@city.example.gov", "Mo")
    token = email_preferences.unsubscribe_token(user)

    response = client.post(f"/email/unsubscribe/{token[:-2]}xx")

    assert response.status_code == 404
    assert "This link is not complete or was changed." in response.text
    assert email_preferences.wants_non_essential(user)
