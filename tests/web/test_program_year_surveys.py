"""Surveys: a pulse 30 days in and one near the year's end, answered once without sign-in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.web.program_year import live_pair
from tests.web.test_publishing import smtp  # noqa: F401  (the real SMTP server fixture)
from web.database import send_task
from web.extensions import db
from web.models import AuditEvent, Survey
from web.services import email_preferences

MARCH_1 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
PULSE_SUBJECT = "How is your mentorship going?"
LINK = re.compile(r"http://localhost(/survey/\S+)")


def run_day(day: str) -> None:
    send_task("workers.year_tasks.send_daily_reminders", day)


def surveys_to(inbox, address: str, subject: str = PULSE_SUBJECT):
    return [m for m in inbox.to(address) if m["Subject"] == subject]


def test_pulse_survey_goes_to_both_sides_30_days_in_once_and_is_answered_once(
    app,
    client,
    program,
    smtp,  # noqa: F811
):
    mentorship = live_pair(program, published_at=MARCH_1, responded_at=MARCH_1)
    mentor, apprentice = mentorship.mentor.user, mentorship.apprentice.user

    run_day("2027-03-30")
    assert surveys_to(smtp, mentor.email) == []
    run_day("2027-03-31")
    run_day("2027-03-31")
    run_day("2027-04-01")
    [to_mentor] = surveys_to(smtp, mentor.email)
    [to_apprentice] = surveys_to(smtp, apprentice.email)
    assert to_mentor["List-Unsubscribe"]
    path = LINK.search(to_apprentice.get_payload()).group(1)

    page = client.get(path)
    assert page.status_code == 200 and "How satisfied are you" in page.text
    token = csrf_token_from(page.text)
    refused = client.post(path, data={"csrf_token": token, "comment": "Great so far"})
    assert "Choose a number from 1 to 5." in refused.text
    assert "Choose a number from 0 to 10." in refused.text and "Great so far" in refused.text

    done = client.post(
        path,
        data={
            "csrf_token": token,
            "satisfaction": "4",
            "would_recommend": "9",
            "comment": "Great so far",
        },
        follow_redirects=True,
    )
    assert "Your answers are saved." in done.text
    survey = db.session.scalar(select(Survey).where(Survey.respondent_id == apprentice.id))
    assert (survey.kind, survey.satisfaction, survey.would_recommend, survey.comment) == (
        "pulse",
        4,
        9,
        "Great so far",
    )
    assert survey.answered_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.answered"))

    again = client.get(path)
    assert again.status_code == 404 and "You already answered this survey." in again.text
    resubmitted = client.post(
        path, data={"csrf_token": token, "satisfaction": "1", "would_recommend": "0"}
    )
    assert resubmitted.status_code == 404
    db.session.refresh(survey)
    assert survey.satisfaction == 4


def test_end_of_year_survey_two_weeks_before_the_cohort_ends_skips_those_who_opted_out(
    app,
    client,
    program,
    smtp,  # noqa: F811
):
    mentorship = live_pair(program, published_at=MARCH_1, responded_at=MARCH_1)
    mentor, apprentice = mentorship.mentor.user, mentorship.apprentice.user
    email_preferences.set_non_essential(mentor, False)
    db.session.commit()

    run_day("2027-11-16")
    assert surveys_to(smtp, apprentice.email, "Your Pathways year") == []
    run_day("2027-11-17")  # the cohort ends on 1 December 2027
    run_day("2027-11-18")
    assert len(surveys_to(smtp, apprentice.email, "Your Pathways year")) == 1
    assert smtp.to(mentor.email) == []
    kinds = db.session.scalars(select(Survey.kind).order_by(Survey.id)).all()
    assert kinds == ["pulse", "end_of_year"]  # the apprentice's; none for the mentor


def test_an_altered_survey_link_is_refused(client, program):
    response = client.get("/survey/not-a-real-token")
    assert response.status_code == 404
    assert "This link is not complete or was changed." in response.text
