"""Set-password links: invitations after an import, and "Forgot your password?"."""

from __future__ import annotations

import json
import re
import secrets
import time
from datetime import timedelta

import pytest
from flask import g
from itsdangerous import TimestampSigner
from sqlalchemy import select

from tests.conftest import csrf_token_from, make_user, sign_in, submit
from tests.factories import make_mentor
from tests.web import test_publishing
from tests.web.test_intake import APPRENTICES, MENTORS, confirm, upload
from web.auth.tokens import (
    INVITATION,
    RESET,
    InvalidLink,
    SpentLink,
    password_token,
    user_for_token,
)
from web.extensions import db
from web.models import AuditEvent, PeopleImport, Role, User
from web.models.base import utcnow

smtp = test_publishing.smtp  # the fixture: a real SMTP server on localhost
NEW_PASSWORD = "lantern-orchard-57"
CSRF_VALUE = re.compile(r'(?<=name="csrf_token" type="hidden" value=")[^"]+')
SIGN_OUT_TOKEN = re.compile(r'type="hidden" name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"http://localhost(/password/set/\S+)")


def imported_user(email: str = "rosa@students.example.org", role=Role.APPRENTICE) -> User:
    """An account as an import makes it: no usable password yet."""
    user = User(email=email, name="Rosa Diaz", role=role)
    user.password_hash = "!" + secrets.token_hex(16)
    db.session.add(user)
    db.session.commit()
    return user


def link_in(message) -> str:
    """The set-password path of an email's link."""
    match = LINK.search(message.get_payload(decode=True).decode())
    assert match, "the email has no set-password link"
    return match.group(1)


def set_password(client, path: str, password=NEW_PASSWORD, confirm_with=None):
    """Fill in and send the set-password form of `path`."""
    data = {"password": password, "confirm": confirm_with or password}
    return submit(client, path, data, follow=False)


@pytest.fixture(autouse=True)
def each_request_starts_from_its_own_cookies(app):
    """Let several browsers take turns in one test.

    The test's app context outlives its requests, and Flask-Login and Flask-WTF cache the
    signed-in user and the CSRF token on its `g`; without this, a browser would be served
    as the last person, with their token.
    """

    @app.before_request
    def forget_the_last_browser() -> None:
        g.pop("_login_user", None)
        g.pop("csrf_token", None)


def browser(app):
    """Another person's browser, with cookies of its own."""
    return app.test_client()


def can_sign_in(app, email: str, password: str) -> bool:
    """Whether a fresh browser can sign in with this email and password."""
    page = submit(browser(app), "/login", {"email": email, "password": password})
    return "Welcome," in page.get_data(as_text=True)


# The token itself


def test_a_token_leads_back_to_its_user(app):
    user = imported_user()
    for purpose in (INVITATION, RESET):
        assert user_for_token(password_token(user, purpose)) == user


def test_a_token_expires_after_its_purposes_lifetime(app):
    user = imported_user()
    invitation, reset = password_token(user, INVITATION), password_token(user, RESET)

    assert user_for_token(invitation, now=utcnow() + timedelta(days=13)) == user
    assert user_for_token(reset, now=utcnow() + timedelta(minutes=110)) == user
    with pytest.raises(SpentLink, match="expired"):
        user_for_token(invitation, now=utcnow() + timedelta(days=15))
    with pytest.raises(SpentLink, match="expired: it worked for 2 hours"):
        user_for_token(reset, now=utcnow() + timedelta(hours=3))


def test_a_token_stops_working_once_the_password_is_set(app):
    user = imported_user()
    token = password_token(user, INVITATION)
    user.set_password(NEW_PASSWORD)
    db.session.commit()

    with pytest.raises(SpentLink, match="already used"):
        user_for_token(token)


@pytest.mark.parametrize(
    "change", [lambda t: t[:-3], lambda t: t + "x", lambda t: "garbage", lambda t: t.upper()]
)
def test_an_altered_token_is_refused(app, change):
    token = password_token(imported_user(), INVITATION)
    with pytest.raises(InvalidLink):
        user_for_token(change(token))


def test_a_token_signed_with_another_key_is_refused(app):
    user = imported_user()
    app.secret_key = "another-secret"
    token = password_token(user, INVITATION)
    app.secret_key = "test-secret"
    with pytest.raises(InvalidLink):
        user_for_token(token)


# The set-password page


def test_the_link_sets_the_password_signs_in_and_then_is_spent(app, client):
    user = imported_user()
    path = f"/password/set/{password_token(user, INVITATION)}"

    page = client.get(path)
    assert page.status_code == 200
    assert "rosa@students.example.org" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = set_password(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/apprentice/status"
    landing = client.get("/apprentice/status", follow_redirects=True).get_data(as_text=True)
    assert "Your password is set. Welcome, Rosa Diaz." in landing

    assert can_sign_in(app, "rosa@students.example.org", NEW_PASSWORD)
    again = browser(app).get(path)
    assert again.status_code == 410
    assert "already used" in again.get_data(as_text=True)
    assert "Email me a new link" in again.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password.set"))
    assert (event.subject_id, event.details) == (user.id, {"first_password": True})


def test_an_expired_link_says_so_and_offers_a_new_one(client, monkeypatch):
    user = imported_user()
    fifteen_days_ago = int(time.time()) - 15 * 24 * 3600
    with monkeypatch.context() as clock:
        clock.setattr(TimestampSigner, "get_timestamp", lambda self: fifteen_days_ago)
        token = password_token(user, INVITATION)

    response = client.get(f"/password/set/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "This link has expired: it worked for 14 days." in page
    assert 'href="/password/forgot"' in page
    assert "csrf_token" not in page, "no form to set a password"


def test_a_garbled_link_is_a_bad_request(client):
    user = imported_user()
    token = password_token(user, INVITATION)
    for path in (f"/password/set/{token[:20]}", "/password/set/not-a-token"):
        response = client.get(path)
        assert response.status_code == 400
        assert "This link is not complete or was changed." in response.get_data(as_text=True)
    # Posting to a garbled link sets nothing either.
    csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf}
    assert client.post(f"/password/set/{token[:20]}", data=data).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith("!")


@pytest.mark.parametrize(
    ("password", "confirm_with", "field", "message"),
    [
        ("short", "short", "password", "Use at least 12 characters."),
        (NEW_PASSWORD, "something-else-entirely", "confirm", "The two passwords are not the same."),
        ("", "", "password", "Choose a password."),
    ],
)
def test_password_rules_are_explained_next_to_the_field(
    app, client, password, confirm_with, field, message
):
    user = imported_user()
    path = f"/password/set/{password_token(user, INVITATION)}"

    response = set_password(client, path, password, confirm_with)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert f'id="{field}-error-1"' in page
    # The account stays in view; passwords are never written back into the page.
    assert "rosa@students.example.org" in page
    assert NEW_PASSWORD not in page
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith("!")
    # The same link still works once the form is right.
    assert set_password(client, path).status_code == 302


# Forgot your password?


def test_sign_in_page_points_to_forgot_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page


def test_forgot_password_answers_the_same_and_emails_only_real_accounts(app, program, smtp):
    gone = make_user(Role.MENTOR, "gone@city.example.gov", "Gone Mentor")
    gone.active = False
    db.session.commit()
    answers = {}
    for email in (program.partner_a_user.email, "nobody@example.org", gone.email):
        client = browser(app)
        response = submit(client, "/password/forgot", {"email": email}, follow=True)
        assert response.status_code == 200 and response.request.path == "/login"
        page = response.get_data(as_text=True).replace(email, "EMAIL")
        answers[email] = CSRF_VALUE.sub("CSRF", page)
    assert len(set(answers.values())) == 1, "the answer must not tell which accounts exist"
    assert "If a Pathways account uses EMAIL, we have emailed it a link" in answers[gone.email]

    assert [rcpt for rcpt, _ in smtp.messages] == [[program.partner_a_user.email]]
    [message] = smtp.to(program.partner_a_user.email)
    assert message["Subject"] == "Your link to set a Pathways password"
    assert "within 2 hours" in message.get_payload(decode=True).decode()

    client = browser(app)
    assert set_password(client, link_in(message)).headers["Location"] == "/partner/"
    assert can_sign_in(app, program.partner_a_user.email, NEW_PASSWORD)
    sent = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "password_link.sent"))
    assert [(e.subject_id, e.details) for e in sent] == [(program.partner_a_user.id, {})]


def test_forgot_password_explains_a_mistyped_address_and_keeps_it(client, smtp):
    response = submit(client, "/password/forgot", {"email": "rosa.example.org"})
    page = response.get_data(as_text=True)
    assert "Enter an email address like name@example.org." in page
    assert 'id="email-error-1"' in page
    assert 'value="rosa.example.org"' in page
    assert smtp.messages == []


# Invitations after an import


def import_file(client, program, content=APPRENTICES, kind="apprentices") -> PeopleImport:
    """Upload and confirm a file as the signed-in coordinator; the import runs in-process."""
    preview = upload(client, content, kind=kind, program=program).get_data(as_text=True)
    confirm(client, preview)
    db.session.expire_all()
    return db.session.scalars(select(PeopleImport).order_by(PeopleImport.id.desc())).first()


def status_page(client, people_import: PeopleImport) -> str:
    return client.get(f"/coordinator/imports/{people_import.id}").get_data(as_text=True)


def test_an_import_invites_its_new_people_who_then_sign_in(app, client, program, smtp):
    sign_in(client, program.coordinator)
    people_import = import_file(client, program)

    created = db.session.scalars(select(User).where(User.id.in_(people_import.created_user_ids)))
    assert sorted(u.email for u in created) == [
        "rosa@students.example.org",
        "tom@students.example.org",
    ]
    [to_rosa] = smtp.to("rosa@students.example.org")
    # Tom is under 18: his guardian is asked for consent and told of his invitation.
    assert len(smtp.messages) == 4
    to_guardian = {m["Subject"]: m for m in smtp.to("lin.lee@family.example.org")}
    assert set(to_guardian) == {
        "Your consent for Tom Lee to join Pathways",
        "Copy: Set your password for Pathways",
    }
    copy = to_guardian["Copy: Set your password for Pathways"].get_payload(decode=True).decode()
    assert "Tom Lee" in copy and "/password/set/" not in copy, "the guardian gets no sign-in link"
    assert to_rosa["Subject"] == "Set your password for Pathways"
    body = to_rosa.get_payload(decode=True).decode()
    assert "Hello Rosa Diaz," in body and "works for 14 days" in body
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "invitation.sent"))
    events = list(events)
    assert sorted(e.subject_id for e in events) == people_import.created_user_ids
    assert all(e.subject_type == "User" for e in events)
    assert "@" not in json.dumps([e.details for e in events]), "no address in the audit log"

    page = status_page(client, people_import)
    assert "cannot sign in until they are invited" not in page
    assert "2 of 2 new people were sent an invitation." in page
    assert "0 have chosen a password; 2 have not yet." in page

    rosa = browser(app)
    assert set_password(rosa, link_in(to_rosa)).headers["Location"] == "/apprentice/status"
    assert can_sign_in(app, "rosa@students.example.org", NEW_PASSWORD)
    assert "1 has chosen a password; 1 has not yet." in status_page(client, people_import)


def test_sending_again_reaches_only_those_still_without_a_password(app, client, program, smtp):
    sign_in(client, program.coordinator)
    people_import = import_file(client, program)
    set_password(browser(app), link_in(smtp.to("rosa@students.example.org")[0]))
    smtp.messages.clear()

    page = status_page(client, people_import)
    assert "Send invitations again" in page
    response = client.post(
        f"/coordinator/imports/{people_import.id}/invitations",
        data={"csrf_token": csrf_token_from(page)},
        follow_redirects=True,
    )
    assert "Sending 1 invitation again." in response.get_data(as_text=True)
    assert [rcpt for rcpt, _ in smtp.messages] == [
        ["tom@students.example.org"],
        ["lin.lee@family.example.org"],  # Tom's guardian's copy
    ]
    # The newest link works, and so does the first one until a password is set.
    tom = browser(app)
    assert set_password(tom, link_in(smtp.messages[0][1])).status_code == 302
    assert can_sign_in(app, "tom@students.example.org", NEW_PASSWORD)

    page = status_page(client, people_import)
    assert "2 have chosen a password; 0 have not yet." in page
    assert "Send invitations again" not in page
    # A button pressed in a page opened before the last password was set.
    response = client.post(
        f"/coordinator/imports/{people_import.id}/invitations",
        data={"csrf_token": SIGN_OUT_TOKEN.search(page)[1]},
        follow_redirects=True,
    )
    assert "nobody to invite" in response.get_data(as_text=True)
    assert len(smtp.messages) == 2
    requested = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "invitations.requested")
    )
    assert [(e.actor_id, e.details) for e in requested] == [
        (program.coordinator.id, {"accounts": 1})
    ]


def test_updating_people_sends_no_new_invitation(app, client, program, smtp):
    sign_in(client, program.coordinator)
    import_file(client, program, MENTORS, "mentors")
    smtp.messages.clear()

    again = import_file(client, program, MENTORS, "mentors")
    assert (again.created_count, again.updated_count) == (0, 1)
    assert again.created_user_ids == []
    assert smtp.messages == []
    assert "invitation" not in status_page(client, again).lower()


def test_an_invited_mentor_reaches_their_dashboard(app, client, program, smtp):
    sign_in(client, program.coordinator)
    import_file(client, program, MENTORS, "mentors")
    [invitation] = smtp.to("maya@city.example.gov")
    words = " ".join(invitation.get_payload(decode=True).decode().split())  # lines are folded
    assert "confirm or decline the apprentices paired with you" in words
    maya = browser(app)
    assert set_password(maya, link_in(invitation)).headers["Location"] == "/mentor/"
    assert maya.get("/mentor/").status_code == 200


def test_only_coordinators_send_invitations(app, client, program, smtp):
    coordinator = browser(app)
    sign_in(coordinator, program.coordinator)
    people_import = import_file(coordinator, program)
    smtp.messages.clear()

    sign_in(client, program.partner_a_user)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    token = SIGN_OUT_TOKEN.search(home)[1]
    response = client.post(
        f"/coordinator/imports/{people_import.id}/invitations", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert smtp.messages == []


def test_a_flood_of_forgot_password_requests_sends_three_links_an_hour(app, program, smtp):
    email = program.partner_a_user.email
    for _ in range(5):
        submit(browser(app), "/password/forgot", {"email": email}, follow=True)

    assert len(smtp.to(email)) == 3


def test_a_coordinator_invites_one_imported_mentor_from_their_page(app, program, smtp):
    mentor = make_mentor()
    mentor.user.password_hash = "!" + secrets.token_hex(16)  # imported: no password yet
    db.session.commit()
    coordinator = browser(app)
    sign_in(coordinator, program.coordinator)
    page_url = f"/coordinator/mentors/{mentor.id}"
    assert "has not chosen a password yet" in coordinator.get(page_url).get_data(as_text=True)

    sent = submit(coordinator, f"{page_url}/invite", {}, form_url=page_url)

    assert "An invitation to choose a password is on its way" in sent.get_data(as_text=True)
    [message] = smtp.to(mentor.user.email)
    set_password(browser(app), link_in(message))
    assert can_sign_in(app, mentor.user.email, NEW_PASSWORD)
    page = coordinator.get(page_url).get_data(as_text=True)
    assert "has not chosen a password yet" not in page
