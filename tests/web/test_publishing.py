"""Publishing a round: mentorships once, and emails once, through a real SMTP server."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round
from web.database import send_task
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    AuditEvent,
    MatchRound,
    MatchStatus,
    Mentorship,
    MentorshipStatus,
    ProposedMatch,
    RoundStatus,
)
from web.models.base import utcnow


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted"

    def to(self, address: str) -> list[Message]:
        return [message for rcpt, message in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server on localhost that the app sends through."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def published_round(program):
    """A finished round: two approved pairs (one per partner) and one pair still proposed."""
    program.partner_a.contact_email = "apprenticeships@lakeshore.example.org"
    pairs = [
        (make_apprentice(program), make_mentor(), MatchStatus.APPROVED),
        (make_apprentice(program, program.partner_b), make_mentor(), MatchStatus.APPROVED),
        (make_apprentice(program), make_mentor(), MatchStatus.PROPOSED),
    ]
    match_round = make_round(
        program.cohort, pairs, reason="Both work in Python on weekday evenings."
    )
    db.session.commit()
    return match_round, pairs


def publish(client, round_id: int):
    """Press the round page's publish button."""
    round_page = client.get(f"/coordinator/rounds/{round_id}").get_data(as_text=True)
    assert "Publish approved pairs and notify" in round_page
    token = csrf_token_from(round_page)
    return client.post(f"/coordinator/rounds/{round_id}/publish", data={"csrf_token": token})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_publish_creates_mentorships_and_emails_everyone_once(
    client, program, published_round, smtp
):
    match_round, pairs = published_round
    sign_in(client, program.coordinator)
    response = publish(client, match_round.id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Published 2 new pairs." in page
    assert "through the mail server 127.0.0.1" in page

    db.session.expire_all()
    mentorships = db.session.scalars(select(Mentorship)).all()
    assert len(mentorships) == 2
    assert {m.status for m in mentorships} == {MentorshipStatus.AWAITING_MENTOR}
    assert db.session.get(MatchRound, match_round.id).published_at is not None
    assert pairs[0][0].status == ApprenticeStatus.APPROVED
    assert pairs[2][0].status == ApprenticeStatus.REGISTERED  # only proposed: not published

    (apprentice, mentor, _), (other_apprentice, other_mentor, _) = pairs[:2]
    [to_apprentice] = smtp.to(apprentice.user.email)
    assert to_apprentice["Subject"] == f"Your Pathways mentor: {mentor.user.name}"
    body = to_apprentice.get_payload(decode=True).decode()
    assert mentor.user.name in body and mentor.department in body
    assert mentor.user.email not in body, "the mentor's address waits for their confirmation"
    [to_mentor] = smtp.to(mentor.user.email)
    assert "new Pathways apprentice for you" in to_mentor["Subject"]
    assert apprentice.user.name in to_mentor.get_payload(decode=True).decode()
    assert "http://localhost/mentor/" in to_mentor.get_payload(decode=True).decode()
    [to_partner_a] = smtp.to("apprenticeships@lakeshore.example.org")
    assert program.partner_a_user.email in to_partner_a["To"]
    summary = to_partner_a.get_payload(decode=True).decode()
    assert apprentice.user.name in summary and mentor.user.name in summary
    assert other_apprentice.user.name not in summary, "a partner sees only its own apprentices"
    assert len(smtp.to(program.partner_b_user.email)) == 1
    assert len(smtp.to(other_mentor.user.email)) == 1
    assert len(smtp.messages) == 6  # two apprentices, two mentors, two partners


def test_publishing_twice_or_rerunning_the_task_sends_nothing_new(
    client, program, published_round, smtp
):
    match_round, _ = published_round
    sign_in(client, program.coordinator)
    publish(client, match_round.id)
    assert len(smtp.messages) == 6

    response = publish(client, match_round.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Published 0 new pairs. 2 were already published" in page
    send_task("workers.tasks.send_round_notifications", match_round.id)
    assert count(Mentorship) == 2
    assert len(smtp.messages) == 6
    sent = db.session.scalar(select(func.count()).where(AuditEvent.action == "notification.sent"))
    assert sent == 6  # one per mentorship and audience


def test_a_pair_approved_later_is_published_and_told_alone(client, program, published_round, smtp):
    match_round, pairs = published_round
    sign_in(client, program.coordinator)
    publish(client, match_round.id)
    late = db.session.scalar(select(ProposedMatch).where(ProposedMatch.status == "proposed"))
    late.status = MatchStatus.APPROVED
    db.session.commit()
    smtp.messages.clear()

    publish(client, match_round.id)
    assert count(Mentorship) == 3
    recipients = sorted(address for rcpt, _ in smtp.messages for address in rcpt)
    late_apprentice, late_mentor, _ = pairs[2]
    assert late_apprentice.user.email in recipients and late_mentor.user.email in recipients
    assert len(smtp.messages) == 3  # the late pair's apprentice, mentor and partner only


def test_without_a_mail_server_emails_go_to_the_outbox(
    client, program, published_round, tmp_path, app
):
    app.instance_path = str(tmp_path / "instance")
    match_round, _ = published_round
    sign_in(client, program.coordinator)
    response = publish(client, match_round.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "no mail server is set" in page
    outbox = sorted((tmp_path / "instance" / "outbox").glob("*.eml"))
    assert len(outbox) == 6
    assert any("Your Pathways mentor" in path.read_text() for path in outbox)


def test_a_round_without_approved_pairs_cannot_be_published(client, program, smtp):
    match_round = MatchRound(cohort=program.cohort, status=RoundStatus.SUCCEEDED)
    db.session.add(match_round)
    db.session.commit()
    sign_in(client, program.coordinator)
    publish(client, match_round.id)
    page = client.get(f"/coordinator/rounds/{match_round.id}/published").get_data(as_text=True)
    assert "Approve at least one pair before publishing this round." in page
    assert count(Mentorship) == 0 and smtp.messages == []


def test_publishing_an_unknown_round_is_not_found(client, program):
    sign_in(client, program.coordinator)
    token = csrf_token_from(client.get("/coordinator/import").get_data(as_text=True))
    response = client.post("/coordinator/rounds/999/publish", data={"csrf_token": token})
    assert response.status_code == 404


def test_only_coordinators_may_publish(client, program, published_round, smtp):
    match_round, _ = published_round
    sign_in(client, program.partner_a_user)
    forbidden = client.get("/coordinator/import")
    assert forbidden.status_code == 403
    # The sign-out button of the error page carries a valid token for this session.
    token = re.search(r'name="csrf_token" value="([^"]+)"', forbidden.get_data(as_text=True))[1]
    response = client.post(
        f"/coordinator/rounds/{match_round.id}/publish", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert count(Mentorship) == 0 and smtp.messages == []


def test_the_published_page_follows_the_emails_until_all_are_sent(
    client, program, published_round, smtp
):
    match_round, pairs = published_round
    for match in match_round.matches:
        if match.status == MatchStatus.APPROVED:
            db.session.add(
                Mentorship(match=match, apprentice=match.apprentice, mentor=match.mentor)
            )
    db.session.commit()  # published, but the emails have not gone out yet
    sign_in(client, program.coordinator)
    url = f"/coordinator/rounds/{match_round.id}/published"

    waiting = client.get(f"{url}/progress.json").get_json()
    page = client.get(url).get_data(as_text=True)

    assert waiting == {"status": "running", "progress": 0.0, "message": "0 sent, 6 waiting"}
    assert "data-progress-url" in page and "Apprentices told: 0 of 2" in page
    match_round.published_at = utcnow()
    db.session.commit()

    sent = submit(client, f"{url}/send", {}, form_url=url).get_data(as_text=True)
    assert "The waiting emails are queued to go out again." in sent

    done = client.get(f"{url}/progress.json").get_json()
    page = client.get(url).get_data(as_text=True)
    assert done == {"status": "succeeded", "progress": 1.0, "message": "6 sent, 0 waiting"}
    assert "data-progress-url" not in page and "Apprentices told: 2 of 2" in page
    assert len(smtp.messages) == 6


def test_an_unpublished_round_has_no_emails_to_send(client, program, published_round):
    match_round, _ = published_round
    sign_in(client, program.coordinator)
    url = f"/coordinator/rounds/{match_round.id}/published"

    round_page = f"/coordinator/rounds/{match_round.id}"
    page = submit(client, f"{url}/send", {}, form_url=round_page).get_data(as_text=True)

    assert "This round has not been published, so it has no emails to send." in page
