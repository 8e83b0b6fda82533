"""Closing a cohort's year: each pair completed or ended early, emails, certificates."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import make_user, sign_in, submit
from tests.web.outcomes_helpers import met_goal, pairs_of
from tests.web.program_year import switch_person
from tests.web.test_publishing import free_port, smtp  # noqa: F401  (smtp is a fixture)
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    AuditEvent,
    CohortYearClosing,
    Mentorship,
    MentorshipOutcome,
    MentorshipStatus,
    Role,
    YearClosingStatus,
)


def close_url(program) -> str:
    return f"/coordinator/cohorts/{program.cohort.id}/close-year"


def test_the_page_lists_each_live_pair_completed_by_default(client, program):
    pairs = pairs_of(program, 2)
    sign_in(client, program.coordinator)
    text = client.get(close_url(program)).text
    for pair in pairs:
        assert pair.apprentice.user.name in text
        assert f'name="outcome-{pair.id}" value="completed" checked' in text
    assert "close the year and send the emails" in text


def test_an_early_end_without_a_reason_keeps_everything_typed_and_closes_nothing(client, program):
    first, second = pairs_of(program, 2)
    sign_in(client, program.coordinator)
    response = submit(
        client,
        close_url(program),
        {
            f"outcome-{first.id}": "completed",
            f"outcome-{second.id}": "ended_early",
            f"reason-{second.id}": "   ",
            f"reason-{first.id}": "kept text",
            "confirm": "y",
        },
    )
    assert response.status_code == 400
    text = response.text
    assert "Say why this pair ended early." in text
    assert f'name="outcome-{second.id}" value="ended_early" checked' in text
    assert 'value="kept text"' in text
    db.session.expire_all()
    assert program.cohort.year_closed_at is None
    assert all(m.status == MentorshipStatus.ACTIVE for m in db.session.scalars(select(Mentorship)))


def test_without_the_confirmation_tick_nothing_closes(client, program):
    [pair] = pairs_of(program, 1)
    sign_in(client, program.coordinator)
    response = submit(client, close_url(program), {f"outcome-{pair.id}": "completed"})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.text
    assert db.session.scalar(select(CohortYearClosing)) is None


def test_closing_ends_each_pair_and_emails_apprentices_and_partners_through_smtp(
    app,
    client,
    program,
    smtp,  # noqa: F811
):
    program.partner_a.contact_email = "apprenticeships@lakeshore.example.org"
    program.partner_b.contact_email = "careers@westside.example.org"
    done, early = pairs_of(program, 2)
    [other_partner] = pairs_of(program, 1, program.partner_b)
    met_goal(done, "python", "sql")
    sign_in(client, program.coordinator)

    response = submit(
        client,
        close_url(program),
        {
            f"outcome-{done.id}": "completed",
            f"outcome-{early.id}": "ended_early",
            f"reason-{early.id}": "The apprentice moved away",
            f"outcome-{other_partner.id}": "completed",
            "confirm": "y",
        },
    )

    assert response.status_code == 200
    assert "All 5 emails were sent." in response.text  # the in-process worker ran on commit
    db.session.expire_all()
    closing = db.session.scalar(select(CohortYearClosing))
    assert closing.status == YearClosingStatus.SUCCEEDED
    assert (closing.completed_count, closing.ended_early_count) == (2, 1)
    assert (closing.emails_sent, closing.emails_total, closing.progress) == (5, 5, 1.0)
    assert program.cohort.year_closed_at is not None
    assert done.end_outcome == MentorshipOutcome.COMPLETED
    assert done.apprentice.status == ApprenticeStatus.COMPLETED
    assert early.end_outcome == MentorshipOutcome.ENDED_EARLY
    assert early.end_reason == "The apprentice moved away"

    [certificate_mail] = smtp.to(done.apprentice.user.email)
    assert certificate_mail["Subject"] == "Your Pathways certificate"
    assert f"/certificates/{done.id}" in certificate_mail.get_payload()
    [early_mail] = smtp.to(early.apprentice.user.email)
    assert early_mail["Subject"] == "Your Pathways program year has ended"
    [partner_mail] = smtp.to("apprenticeships@lakeshore.example.org")
    body = partner_mail.get_payload()
    assert done.apprentice.user.name in body and "ended early: The apprentice moved away" in body
    assert other_partner.apprentice.user.name not in body
    assert len(smtp.to("careers@westside.example.org")) == 1
    assert len(smtp.messages) == 5

    # The worker asked again (a redelivered task) sends nothing twice.
    from web.database import send_task

    closing.status = YearClosingStatus.RUNNING
    db.session.commit()
    send_task("workers.outcome_tasks.send_year_closing_emails", closing.id)
    assert len(smtp.messages) == 5
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("mentorship.ended") == 3 and "cohort.year_closed" in actions


def test_a_closed_year_cannot_be_closed_again(client, program):
    [pair] = pairs_of(program, 1)
    sign_in(client, program.coordinator)
    data = {f"outcome-{pair.id}": "completed", "confirm": "y"}
    submit(client, close_url(program), data)
    again = client.get(close_url(program))
    assert again.status_code == 302 and again.location.endswith("/year-closing")
    assert db.session.scalar(select(CohortYearClosing.id)) is not None


def test_a_reviewer_cannot_close_the_year(client, program):
    pairs_of(program, 1)
    reviewer = make_user(Role.COORDINATOR, "rev@city.example.gov", coordinator_role="reviewer")
    db.session.commit()
    sign_in(client, reviewer)
    assert client.get(close_url(program)).status_code == 403


def test_the_certificate_lists_the_signed_off_skills_for_its_apprentice_only(app, client, program):
    done, other = pairs_of(program, 2)
    met_goal(done, "python", "sql")
    met_goal(done, "gis", met=False)
    sign_in(client, program.coordinator)
    submit(
        client,
        close_url(program),
        {f"outcome-{done.id}": "completed", f"outcome-{other.id}": "completed", "confirm": "y"},
    )

    apprentice = switch_person(app, done.apprentice.user)
    page = apprentice.get(f"/certificates/{done.id}")
    assert page.status_code == 200
    text = page.text
    assert "Certificate of completion" in text and done.apprentice.user.name in text
    assert "Python programming" in text and "SQL and relational databases" in text
    assert "GIS and mapping" not in text  # not signed off
    assert done.mentor.user.name.split()[0] in text and done.mentor.user.name not in text
    assert program.cohort.name in text and "@media print" not in text
    assert "certificate.css" in text
    assert apprentice.get("/certificates/mine").location.endswith(f"/certificates/{done.id}")
    assert apprentice.get(f"/certificates/{other.id}").status_code == 404

    partner_b = switch_person(app, program.partner_b_user)
    assert partner_b.get(f"/certificates/{done.id}").status_code == 404
    partner_a = switch_person(app, program.partner_a_user)
    assert partner_a.get(f"/certificates/{done.id}").status_code == 200
    outcome_page = partner_a.get(f"/outcomes/apprentices/{done.apprentice.id}").text
    assert f'href="/certificates/{done.id}"' in outcome_page
    mentor = switch_person(app, done.mentor.user)
    assert mentor.get(f"/certificates/{done.id}").status_code == 403


def test_an_early_end_has_no_certificate(app, client, program):
    [pair] = pairs_of(program, 1)
    sign_in(client, program.coordinator)
    submit(
        client,
        close_url(program),
        {f"outcome-{pair.id}": "ended_early", f"reason-{pair.id}": "Left", "confirm": "y"},
    )
    assert client.get(f"/certificates/{pair.id}").status_code == 404
    assert "/certificates/" not in client.get(f"/outcomes/apprentices/{pair.apprentice.id}").text


def test_while_the_emails_go_out_the_page_shows_a_progress_bar_and_its_json(client, program):
    program.cohort.year_closed_at = program.cohort.created_at
    closing = CohortYearClosing(
        cohort=program.cohort,
        closed_by=program.coordinator,
        status=YearClosingStatus.RUNNING,
        emails_total=8,
        emails_sent=2,
        progress=0.25,
        progress_message="",
    )
    db.session.add(closing)
    db.session.commit()
    sign_in(client, program.coordinator)
    base = f"/coordinator/cohorts/{program.cohort.id}/year-closing"
    text = client.get(base).text
    assert 'data-progress-url="' + base + '/progress.json"' in text
    assert '<progress id="closing-progress-bar"' in text and "2 of 8 emails sent" in text
    assert "round-progress.js" in text
    assert client.get(base + "/progress.json").get_json() == {
        "status": "running",
        "progress": 0.25,
        "message": "2 of 8 emails sent",
    }
    closing.progress_message = "The mail server could not be reached; trying again."
    db.session.commit()
    assert client.get(base + "/progress.json").get_json()["message"] == (
        "2 of 8 emails sent. The mail server could not be reached; trying again."
    )
    closing.status, closing.error = YearClosingStatus.FAILED, "The mail server refused."
    db.session.commit()
    text = client.get(base).text
    assert "Some emails could not be sent" in text and "The mail server refused." in text
    assert "round-progress.js" not in text


def test_before_the_year_is_closed_the_progress_page_leads_to_the_closing_page(client, program):
    sign_in(client, program.coordinator)
    base = f"/coordinator/cohorts/{program.cohort.id}/year-closing"
    assert client.get(base).location.endswith("/close-year")
    assert client.get(base + "/progress.json").status_code == 404
    assert client.get("/coordinator/cohorts/999/close-year").status_code == 404


def test_a_mail_server_that_cannot_be_reached_is_retried_then_reported_and_sent_again(
    app,
    client,
    program,
    smtp,  # noqa: F811
):
    working_port = app.config["SMTP_PORT"]
    app.config.update(SMTP_PORT=free_port())  # nothing listens there
    [pair] = pairs_of(program, 1)
    sign_in(client, program.coordinator)
    page = submit(client, close_url(program), {f"outcome-{pair.id}": "completed", "confirm": "y"})
    assert "Some emails could not be sent" in page.text
    assert "The mail server could not be reached" in page.text
    db.session.expire_all()
    closing = db.session.scalar(select(CohortYearClosing))
    assert closing.status == YearClosingStatus.FAILED and closing.emails_sent == 0
    assert pair.end_outcome == MentorshipOutcome.COMPLETED  # the closing itself stands

    app.config.update(SMTP_PORT=working_port)  # the mail server is back
    base = f"/coordinator/cohorts/{program.cohort.id}/year-closing"
    page = submit(client, base + "/send-again", {}, form_url=base)
    assert "All 2 emails were sent." in page.text
    assert len(smtp.to(pair.apprentice.user.email)) == 1 and len(smtp.messages) == 2
    again = submit(client, base + "/send-again", {}, form_url="/outcomes/import")
    assert "nothing to send again" in again.text and len(smtp.messages) == 2
