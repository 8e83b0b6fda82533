"""A mentor's decline is told to the apprentice, partner and coordinators; a daily flag digest."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.conftest import make_user, sign_in, submit
from tests.web.program_year import live_pair
from tests.web.test_publishing import smtp  # noqa: F401  (the real SMTP server fixture)
from web.database import send_task
from web.extensions import db
from web.models import MentorshipStatus, PairFlag, Role
from web.models.base import utcnow

MARCH_1 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
DIGEST = "flagged"


def run_day(day: str) -> None:
    send_task("workers.year_tasks.send_daily_reminders", day)


def test_a_decline_is_told_once_to_apprentice_partner_and_coordinators(
    app,
    client,
    program,
    smtp,  # noqa: F811
):
    program.partner_a.contact_email = "Apprenticeships@Lakeshore.example.org"
    second = make_user(Role.COORDINATOR, "second@city.example.gov", "Sam Second")
    mentorship = live_pair(program, MentorshipStatus.AWAITING_MENTOR)
    apprentice, mentor = mentorship.apprentice.user, mentorship.mentor.user
    sign_in(client, mentor)

    page = submit(
        client,
        f"/mentor/mentorships/{mentorship.id}/decline",
        {"reason": "Moving to another department"},
    )

    assert "You declined" in page.text
    [to_apprentice] = smtp.to(apprentice.email)
    body = to_apprentice.get_payload()
    assert "back in the pool" in body and "Moving to another department" not in body
    assert "This email cannot be turned off: it is about your place in the program." in body
    [to_partner] = smtp.to(program.partner_a_user.email)
    assert "apprenticeships@lakeshore.example.org" in to_partner["To"]
    for coordinator in (program.coordinator, second):
        [to_coordinator] = smtp.to(coordinator.email)
        assert "Reason: Moving to another department" in to_coordinator.get_payload()
    assert smtp.to(program.partner_b_user.email) == []
    assert len(smtp.messages) == 4

    send_task("workers.year_tasks.send_decline_notices", mentorship.id)
    run_day(utcnow().date().isoformat())
    assert len(smtp.messages) == 4


def test_coordinators_get_one_flag_digest_a_day_listing_new_flags(
    app,
    program,
    smtp,  # noqa: F811
):
    silent = live_pair(program, MentorshipStatus.AWAITING_MENTOR, published_at=MARCH_1)
    idle = live_pair(program, published_at=MARCH_1, responded_at=MARCH_1)
    coordinator = program.coordinator.email

    def digests() -> list:
        return [m for m in smtp.to(coordinator) if DIGEST in m["Subject"]]

    run_day("2027-04-29")  # 59 days idle; the mentor silent past the default 14 days
    run_day("2027-04-29")
    [digest] = digests()
    assert digest["Subject"] == "Pathways: 2 pairs flagged"
    body = digest.get_payload()
    assert silent.apprentice.display_name in body and idle.apprentice.display_name in body
    assert "This email cannot be turned off" in body

    late = live_pair(program, MentorshipStatus.AWAITING_MENTOR, published_at=MARCH_1)
    run_day("2027-04-29")  # flagged today, after today's digest: it waits for tomorrow
    assert len(digests()) == 1
    run_day("2027-04-30")
    run_day("2027-04-30")
    assert [m["Subject"] for m in digests()] == [
        "Pathways: 2 pairs flagged",
        "Pathways: 1 pair flagged",
    ]
    assert late.apprentice.display_name in digests()[1].get_payload()
    assert silent.apprentice.display_name not in digests()[1].get_payload()
    assert all(f.digested_on for f in db.session.scalars(select(PairFlag)))


def test_an_ended_pair_is_told_once_to_both_people_and_the_partner(
    app,
    client,
    program,
    smtp,  # noqa: F811
):
    mentorship = live_pair(program)
    apprentice, mentor = mentorship.apprentice.user, mentorship.mentor.user
    mentor.language = "es"
    db.session.commit()
    sign_in(client, program.coordinator)

    page = submit(
        client,
        f"/coordinator/mentorships/{mentorship.id}/end",
        {"outcome": "ended_early", "reason": "Moved out of the city"},
    )

    assert "The mentorship ended." in page.text
    [to_apprentice] = smtp.to(apprentice.email)
    assert "has ended your mentorship with " + mentor.name in to_apprentice.get_payload()
    assert "Moved out of the city" not in to_apprentice.get_payload()
    [to_mentor] = smtp.to(mentor.email)
    assert "terminado tu mentoría" in to_mentor.get_payload()
    [to_partner] = smtp.to(program.partner_a_user.email)
    assert "ended early" in to_partner["Subject"]
    assert "Reason recorded by the program team: Moved out of the city" in to_partner.get_payload()
    assert smtp.to(program.coordinator.email) == []
    assert len(smtp.messages) == 3

    send_task("workers.year_tasks.send_ending_notices", mentorship.id)
    run_day(utcnow().date().isoformat())
    assert len(smtp.messages) == 3
