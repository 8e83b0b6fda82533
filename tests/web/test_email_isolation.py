"""Names with line breaks are refused; one email that cannot go out never holds back the others."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.conftest import sign_in, submit
from tests.web.test_apprentices_registration import apprentice_form
from tests.web.test_intake import MENTORS, coordinator_client, upload  # noqa: F401
from tests.web.test_publishing import Inbox, free_port, publish, published_round  # noqa: F401
from web.extensions import db
from web.models import AuditEvent, User

BROKEN_NAME = "Maya\r\nBcc: everyone@example.org"


class RefusingInbox(Inbox):
    """A mail server that refuses one address and accepts the rest."""

    def __init__(self, refused: str):
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def serve(app, inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    return controller


def failures() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notification.failed"))
    )


def test_a_name_with_a_line_break_fails_its_email_only(
    app,
    client,
    program,
    published_round,  # noqa: F811
):
    match_round, pairs = published_round
    mentor = pairs[0][1]
    mentor.user.name = BROKEN_NAME  # stored before names were checked at input
    db.session.commit()
    inbox = Inbox()
    controller = serve(app, inbox)
    try:
        sign_in(client, program.coordinator)
        publish(client, match_round.id)
    finally:
        controller.stop()

    assert len(inbox.messages) == 5, "every other email of the round went out"
    assert not inbox.to(pairs[0][0].user.email), "the apprentice's subject names the mentor"
    [failure] = failures()
    assert failure.details["audience"] == "apprentice"
    assert "linefeed or carriage return" in failure.details["error"]
    page = client.get(f"/coordinator/rounds/{match_round.id}/published").text
    assert "Emails that could not be sent" in page
    assert "To the apprentice about" in page and "carriage return" in page
    assert "Apprentices told: 1 of 2" in page


def test_an_address_the_mail_server_refuses_fails_its_email_only(
    app,
    client,
    program,
    published_round,  # noqa: F811
):
    match_round, pairs = published_round
    refused = pairs[1][0].user.email
    inbox = RefusingInbox(refused)
    controller = serve(app, inbox)
    try:
        sign_in(client, program.coordinator)
        publish(client, match_round.id)
    finally:
        controller.stop()

    assert len(inbox.messages) == 5
    [failure] = failures()
    assert f"refused the address {refused}" in failure.details["error"]
    page = client.get(f"/coordinator/rounds/{match_round.id}/published").text
    assert f"refused the address {refused}" in page
    assert "Send the waiting emails" in page


@pytest.mark.parametrize("name", ["Eve\r\nBcc: all@example.org", "Eve\nSmith", "Eve\rSmith"])
def test_registration_refuses_a_name_with_a_line_break(client, program, name):
    response = submit(client, "/apprentice/register", apprentice_form(program, name=name))
    assert "Write this on one line, without line breaks." in response.text
    assert db.session.scalar(select(User).where(User.name == name)) is None


def test_a_new_cohort_name_with_a_line_break_is_refused(client, program):
    sign_in(client, program.coordinator)
    form = {"name": "2028\r\nSpring", "starts_on": "2028-02-01", "ends_on": "2028-12-01"}
    response = submit(client, "/coordinator/cohorts/new", form)
    assert "Write this on one line, without line breaks." in response.text


def test_an_imported_name_with_a_line_break_is_a_problem_of_its_line(coordinator_client):  # noqa: F811
    content = MENTORS.replace("Maya Chen", '"Maya\nChen"')
    page = upload(coordinator_client, content, kind="mentors").text
    assert "must be on one line, without line breaks" in page


def test_a_partner_name_with_a_line_break_is_refused(app, program):
    from tests.web.test_admin_pages import admin_browser

    admin = admin_browser(app, program)
    typed = {"name": "Northside\r\nBcc: all@example.org", "kind": "university"}
    page = submit(admin, "/coordinator/admin/partners/new", typed)
    assert page.status_code == 400
    assert "Write this on one line, without line breaks." in page.text
