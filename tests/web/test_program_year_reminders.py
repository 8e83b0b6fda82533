"""Daily reminders, nudges and flags: sent once per period through a real SMTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.conftest import make_user, sign_in, submit
from tests.web.program_year import live_pair, switch_person
from tests.web.test_publishing import smtp  # noqa: F401  (the real SMTP server fixture)
from web.database import send_task
from web.extensions import db
from web.models import (
    AuditEvent,
    CheckIn,
    CoordinatorRole,
    Meeting,
    MentorshipStatus,
    PairFlag,
    Role,
)
from web.services import email_preferences
from workers.schedule import BEAT_SCHEDULE

MARCH_1 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


def run_day(day: str) -> None:
    send_task("workers.year_tasks.send_daily_reminders", day)


def subjects(inbox, address: str) -> list[str]:
    """Subjects of the reminders `address` received, leaving out surveys."""
    return [m["Subject"] for m in inbox.to(address) if "survey" not in m.get_payload()]


def test_monthly_check_in_reminders_go_from_the_20th_once_to_whoever_has_not_checked_in(
    app,
    program,
    smtp,  # noqa: F811
):
    mentorship = live_pair(program, published_at=MARCH_1, responded_at=MARCH_1)
    mentor, apprentice = mentorship.mentor.user, mentorship.apprentice.user
    db.session.add(
        CheckIn(
            mentorship=mentorship,
            author=mentor,
            author_role="mentor",
            month="2027-03",
            rating=4,
            created_at=datetime(2027, 3, 10, 15, tzinfo=UTC),
        )
    )
    db.session.commit()

    run_day("2027-03-19")
    assert smtp.messages == []
    run_day("2027-03-20")
    run_day("2027-03-20")
    run_day("2027-03-31")
    assert subjects(smtp, apprentice.email) == ["Your Pathways check-in for March 2027"]
    assert subjects(smtp, mentor.email) == []
    [reminder] = [m for m in smtp.to(apprentice.email) if "check-in" in m["Subject"]]
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/apprentice/check-in" in reminder.get_payload()

    email_preferences.set_non_essential(apprentice, False)
    db.session.commit()
    run_day("2027-04-20")
    assert subjects(smtp, mentor.email) == ["Your Pathways check-in for April 2027"]
    assert len(subjects(smtp, apprentice.email)) == 1  # turned off: no April reminder
    sent = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "reminder.sent")
    ).all()
    assert [d["period"] for d in sent if d["kind"] == "check_in_reminder"] == ["2027-03", "2027-04"]


def test_a_silent_mentor_is_nudged_after_n_days_and_coordinators_told_after_m(
    app,
    client,
    program,
    smtp,  # noqa: F811
):
    sign_in(client, program.coordinator)
    url = f"/program-year/cohorts/{program.cohort.id}/reminders"
    page = submit(client, url, {"nudge_after_days": "3", "escalate_after_days": "3"})
    assert "Choose more days than for the mentor&#39;s reminder." in page.text
    page = submit(client, url, {"nudge_after_days": "3", "escalate_after_days": "5"})
    assert "Reminder days for 2027 Spring are saved." in page.text
    mentorship = live_pair(program, MentorshipStatus.AWAITING_MENTOR, published_at=MARCH_1)
    mentor = mentorship.mentor.user
    email_preferences.set_non_essential(mentor, False)  # a required email goes all the same
    db.session.commit()

    run_day("2027-03-03")
    assert smtp.messages == []
    run_day("2027-03-04")
    run_day("2027-03-04")
    [nudge] = smtp.to(mentor.email)
    assert nudge["Subject"] == "Please answer: an apprentice is waiting for you"
    assert "This email cannot be turned off" in nudge.get_payload()
    assert nudge["List-Unsubscribe"] is None
    assert smtp.to(program.coordinator.email) == []

    run_day("2027-03-06")
    run_day("2027-03-07")
    coordinator_mail = smtp.to(program.coordinator.email)
    [escalation] = [m for m in coordinator_mail if "has not answered" in m["Subject"]]
    assert mentor.name in escalation.get_payload() and len(smtp.to(mentor.email)) == 1
    [flag] = db.session.scalars(select(PairFlag)).all()
    assert (flag.kind, flag.mentorship_id, flag.raised_on) == (
        "unconfirmed",
        mentorship.id,
        date(2027, 3, 6),
    )


def test_an_idle_pair_is_nudged_at_45_days_then_flagged_and_a_meeting_resets_the_clock(
    app,
    program,
    smtp,  # noqa: F811
):
    mentorship = live_pair(program, published_at=MARCH_1, responded_at=MARCH_1)
    people = [mentorship.mentor.user.email, mentorship.apprentice.user.email]
    db.session.add(
        Meeting(mentorship=mentorship, held_on=date(2027, 3, 5), minutes=30, topic="Kick-off")
    )
    db.session.commit()

    run_day("2027-04-18")
    assert all(subjects(smtp, address) == [] for address in people)
    run_day("2027-04-19")
    run_day("2027-04-19")
    for address in people:
        assert subjects(smtp, address) == ["Time for your next Pathways meeting?"]
    assert db.session.scalar(select(PairFlag)) is None

    run_day("2027-05-03")  # 59 days idle: flagged; the pair is not nudged again
    [flag] = db.session.scalars(select(PairFlag)).all()
    assert flag.kind == "idle" and "5 March 2027" in flag.reason
    assert all(subjects(smtp, a).count("Time for your next Pathways meeting?") == 1 for a in people)
    run_day("2027-05-03")
    assert len(db.session.scalars(select(PairFlag)).all()) == 1

    db.session.add(
        Meeting(mentorship=mentorship, held_on=date(2027, 5, 4), minutes=30, topic="Back on")
    )
    db.session.commit()
    run_day("2027-06-17")
    run_day("2027-06-18")  # 45 days after the new meeting: a new nudge
    for address in people:
        assert subjects(smtp, address).count("Time for your next Pathways meeting?") == 2


def test_the_beat_schedule_names_a_registered_task(app):
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in celery.tasks


def test_only_program_admins_set_reminder_days(app, client, program):
    mentorship = live_pair(program)
    sign_in(client, mentorship.mentor.user)
    url = f"/program-year/cohorts/{program.cohort.id}/reminders"
    assert client.get(url).status_code == 403
    reviewer = make_user(
        Role.COORDINATOR, "rev@city.example.gov", coordinator_role=CoordinatorRole.REVIEWER
    )
    db.session.commit()
    assert switch_person(app, reviewer).get(url).status_code == 403
    admin = switch_person(app, program.coordinator)
    assert url in admin.get(f"/coordinator/cohorts/{program.cohort.id}").text
