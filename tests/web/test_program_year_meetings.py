"""Meetings: either side logs one, or proposes one with an .ics invitation sent by SMTP."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
from sqlalchemy import func, select

from tests.conftest import sign_in, submit
from tests.factories import make_mentor
from tests.web.program_year import live_pair, switch_person
from tests.web.test_publishing import smtp  # noqa: F401  (the real SMTP server fixture)
from web.database import send_task
from web.extensions import db
from web.models import AuditEvent, Meeting, MentorshipStatus, ReminderSent
from web.services.meetings import local_time, program_timezone


def city_today() -> date:
    return datetime.now(program_timezone()).date()


def test_mentor_logs_a_meeting_and_the_apprentice_sees_it(app, client, program):
    mentorship = live_pair(program)
    sign_in(client, mentorship.mentor.user)
    held_on = local_time(mentorship.published_at).date()  # the day published, in the city

    page = submit(
        client,
        f"/pair/{mentorship.id}/meetings/log",
        {"held_on": held_on.isoformat(), "minutes": "45", "topic": "  Résumé   review "},
    )

    assert "is logged" in page.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.held_on, meeting.minutes, meeting.topic) == (held_on, 45, "Résumé review")
    assert meeting.author_id == mentorship.mentor.user_id and not meeting.proposed
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.logged"))
    client = switch_person(app, mentorship.apprentice.user)
    text = client.get(f"/pair/{mentorship.id}").get_data(as_text=True)
    assert "Résumé review" in text and mentorship.mentor.user.name in text


def test_bad_meeting_input_gets_messages_next_to_fields_and_keeps_what_was_typed(
    app, client, program
):
    mentorship = live_pair(program)
    sign_in(client, mentorship.apprentice.user)
    url = f"/pair/{mentorship.id}/meetings/log"

    text = submit(
        client, url, {"held_on": "14/03/27", "minutes": "lots", "topic": "Maps"}
    ).get_data(as_text=True)
    assert "Enter a date like 2027-03-14." in text
    assert "Enter a whole number." in text
    assert 'value="Maps"' in text

    tomorrow = (city_today() + timedelta(days=1)).isoformat()
    text = submit(client, url, {"held_on": tomorrow, "minutes": "600", "topic": ""}).get_data(
        as_text=True
    )
    assert "Enter 5 to 480." in text and "Say what the meeting is about." in text

    text = submit(client, url, {"held_on": tomorrow, "minutes": "30", "topic": "GIS"}).get_data(
        as_text=True
    )
    assert "A meeting can be logged once it has taken place." in text
    assert f'value="{tomorrow}"' in text
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_people_outside_the_pair_see_nothing_and_ended_pairs_take_no_meetings(app, client, program):
    mentorship = live_pair(program)
    sign_in(client, make_mentor().user)
    assert client.get(f"/pair/{mentorship.id}").status_code == 404
    assert client.get(f"/pair/{mentorship.id}/meetings/log").status_code == 404

    mentorship.status = MentorshipStatus.ENDED
    db.session.commit()
    client = switch_person(app, mentorship.mentor.user)
    page = client.get(f"/pair/{mentorship.id}/meetings/log", follow_redirects=True)
    assert "no longer running" in page.get_data(as_text=True)


def test_a_proposed_meeting_reaches_the_other_side_with_an_outlook_invitation_once(
    app,
    client,
    program,
    smtp,  # noqa: F811
):
    mentorship = live_pair(program)
    apprentice_user, mentor_user = mentorship.apprentice.user, mentorship.mentor.user
    sign_in(client, apprentice_user)
    day = (city_today() + timedelta(days=3)).isoformat()

    page = submit(
        client,
        f"/pair/{mentorship.id}/meetings/propose",
        {
            "starts_on": day,
            "starts_at": "17:30",
            "minutes": "60",
            "topic": "Open data portal tour",
            "place": "Room 4, City Hall",
        },
    )

    assert f"on its way to {mentor_user.name}" in page.get_data(as_text=True)
    [message] = smtp.to(mentor_user.email)
    assert message["Subject"] == "Meeting proposed: Open data portal tour"
    assert apprentice_user.email in message["Cc"]
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert "This email cannot be turned off" in body
    [attachment] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert attachment.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    starts = event.decoded("DTSTART")
    assert starts.isoformat().startswith(f"{day}T17:30") and str(starts.tzinfo) == "America/Chicago"
    assert event.decoded("DTEND") - starts == timedelta(minutes=60)
    assert str(event["SUMMARY"]) == "Pathways: Open data portal tour"
    assert str(event["LOCATION"]) == "Room 4, City Hall"
    assert str(event["ORGANIZER"]) == f"mailto:{apprentice_user.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{mentor_user.email}"

    meeting = db.session.scalar(select(Meeting))
    assert meeting.proposed and str(event["UID"]) == meeting.uid
    send_task("workers.year_tasks.send_meeting_invitation", meeting.id)
    assert len(smtp.messages) == 1
    assert db.session.scalar(select(func.count(ReminderSent.id))) == 1
    client = switch_person(app, mentor_user)
    assert "Open data portal tour" in client.get(f"/pair/{mentorship.id}").get_data(as_text=True)


def test_a_meeting_in_the_past_cannot_be_proposed(client, program, smtp):  # noqa: F811
    mentorship = live_pair(program)
    sign_in(client, mentorship.mentor.user)
    yesterday = (city_today() - timedelta(days=1)).isoformat()

    page = submit(
        client,
        f"/pair/{mentorship.id}/meetings/propose",
        {"starts_on": yesterday, "starts_at": "25:00", "minutes": "30", "topic": "Plan"},
    )
    assert "Enter a time like 17:30." in page.get_data(as_text=True)
    page = submit(
        client,
        f"/pair/{mentorship.id}/meetings/propose",
        {"starts_on": yesterday, "starts_at": "09:00", "minutes": "30", "topic": "Plan"},
    )
    assert "Choose a date and time in the future." in page.get_data(as_text=True)
    assert smtp.messages == [] and db.session.scalar(select(Meeting)) is None
