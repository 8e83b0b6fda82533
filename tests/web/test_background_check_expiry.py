"""Background checks expire: the matcher stops counting them, pairs with minors are flagged,
and the program admins are emailed once per lapse or withdrawal (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.conftest import build_program, make_user, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from web.database import send_task
from web.extensions import db
from web.models import AuditEvent, MatchStatus, Mentorship, Role
from web.models.base import utcnow
from web.services import background_checks, check_expiry, program_admins, publishing, rounds
from web.services.matching_inputs import mentor_input

TASK = "workers.tasks.check_background_check_expiry"


@pytest.fixture
def world(any_app, tmp_path):
    """A confirmed mentor paired with a minor and with an adult, and a signed-in coordinator."""
    any_app.config.update(BACKGROUND_CHECK_VALID_DAYS=30, SMTP_HOST="")
    any_app.instance_path = str(tmp_path / "instance")
    program = build_program()
    mentor = make_mentor(capacity=2)
    background_checks.confirm(mentor, program.coordinator)
    minor = make_apprentice(program, is_minor=True, guardian_consent_at=utcnow())
    adult = make_apprentice(program)
    match_round = make_round(
        program.cohort,
        [(minor, mentor, MatchStatus.APPROVED), (adult, mentor, MatchStatus.APPROVED)],
    )
    for match in match_round.matches:
        publish_pair(match)
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, program.coordinator)
    return client, program, mentor, minor


def lapse(mentor, days_ago: int = 1) -> None:
    mentor.background_check_expires_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def outbox() -> list:
    folder = Path(current_app.instance_path) / "outbox"
    parse = BytesParser(policy=policy.default).parsebytes
    return [parse(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


def flags_page(client) -> str:
    return client.get("/coordinator/mentorships").get_data(as_text=True)


def test_a_confirmation_carries_its_expiry_from_the_settings(world):
    _, program, mentor, _ = world
    expires = background_checks.aware(mentor.background_check_expires_at)
    checked = background_checks.aware(mentor.background_checked_at)
    assert expires - checked == timedelta(days=30)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "mentor.background_check_confirmed")
    )
    assert event.details["expires"] == f"{expires:%Y-%m-%d}"


def test_a_lapsed_check_counts_as_no_check_for_the_matcher(world):
    client, _, mentor, _ = world
    assert mentor_input(mentor).background_checked is True

    lapse(mentor)

    assert mentor_input(mentor).background_checked is False
    assert background_checks.status_of(mentor) == background_checks.CheckStatus.LAPSED
    page = client.get(f"/coordinator/mentors/{mentor.id}").get_data(as_text=True)
    assert "Lapsed." in page and "Confirm the background check" in page
    listed = client.get("/coordinator/mentors?check=lapsed").get_data(as_text=True)
    assert mentor.user.name in listed
    confirmed = client.get("/coordinator/mentors?check=confirmed").get_data(as_text=True)
    assert mentor.user.name not in confirmed


def test_a_lapsed_check_flags_only_the_pair_with_a_minor(world):
    client, _, mentor, minor = world
    assert "background check" not in flags_page(client)

    lapse(mentor)
    page = flags_page(client)

    assert page.count("Mentor&#39;s background check lapsed on") == 1
    assert "the apprentice is under 18" in page
    flagged = client.get("/coordinator/mentorships?flagged=y").get_data(as_text=True)
    assert minor.display_name in flagged


def test_a_withdrawn_check_flags_the_pair_with_a_minor_and_tells_the_admins_at_once(world):
    client, program, mentor, minor = world
    submit(
        client,
        f"/coordinator/mentors/{mentor.id}/background-check/withdraw",
        {"reason": "The city's records show it was revoked."},
        form_url=f"/coordinator/mentors/{mentor.id}",
    )

    assert "background check was withdrawn; the apprentice is under 18" in flags_page(client)
    [email] = outbox()  # the withdrawal queued the daily check, which ran at once
    assert email["To"] == program.coordinator.email
    assert email["Subject"] == f"Background check was withdrawn: {mentor.user.name}"
    assert minor.display_name in email.get_content()


def test_each_lapse_emails_the_program_admins_once(world):
    _, program, mentor, minor = world
    other_coordinator = make_user(Role.COORDINATOR, "second@city.example.gov", "Sam Second")
    make_user(Role.COORDINATOR, "gone@city.example.gov", "Gone Coordinator").active = False
    lapse(mentor)

    assert send_task(TASK).get() == 1
    assert send_task(TASK).get() == 0  # the next day's run finds nothing new

    [email] = outbox()
    assert email["To"] == f"{program.coordinator.email}, {other_coordinator.email}"
    assert email["Subject"] == f"Background check lapsed: {mentor.user.name}"
    body = email.get_content()
    assert minor.display_name in body and "1 running pair(s) with an apprentice under 18" in body
    reports = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == check_expiry.REPORTED)
    ).all()
    assert [(r.subject_id, r.details) for r in reports] == [
        (mentor.id, {"why": "lapsed", "pairs_with_minors": 1})
    ]


def test_a_renewed_check_that_lapses_again_is_reported_again(world):
    _, program, mentor, _ = world
    lapse(mentor)
    check_expiry.report_lapsed_checks()
    background_checks.confirm(mentor, program.coordinator)
    db.session.commit()
    assert check_expiry.report_lapsed_checks() == 0

    assert check_expiry.report_lapsed_checks(now=utcnow() + timedelta(days=31)) == 1
    assert len(outbox()) == 2


def test_program_admin_recipients_are_the_active_program_admins(world):
    _, program, _, _ = world
    make_user(Role.COORDINATOR, "off@city.example.gov", "Off").active = False
    make_user(Role.MENTOR, "m@city.example.gov", "Not Admin")
    make_user(Role.COORDINATOR, "r@city.example.gov", "Reviewer", coordinator_role="reviewer")
    assert program_admins.program_admin_recipients() == [program.coordinator.email]


def test_without_any_admin_nothing_is_marked_reported(world):
    _, program, mentor, _ = world
    program.coordinator.active = False
    lapse(mentor)
    assert check_expiry.report_lapsed_checks() == 0
    assert mentor.background_check_lapse_reported_at is None
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == check_expiry.REPORTED)
        )
        == 0
    )


@pytest.fixture
def approved_minor_pair(any_app):
    """A round that proposed a consenting minor with a checked mentor; the pair is approved."""
    program = build_program()
    mentor = make_mentor()
    background_checks.confirm(mentor, program.coordinator)
    minor = make_apprentice(program, is_minor=True, guardian_consent_at=utcnow())
    match_round = make_round(program.cohort, [(minor, mentor, MatchStatus.APPROVED)])
    db.session.commit()
    return program, mentor, minor, match_round


def test_a_minors_pair_waits_at_publishing_once_the_check_lapsed(approved_minor_pair):
    program, mentor, _, match_round = approved_minor_pair
    lapse(mentor)

    result = publishing.publish_round(match_round, program.coordinator)

    assert (result.created, result.held_for_a_minor) == (0, 1)
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 0


def test_a_kept_pair_of_a_minor_is_not_kept_once_the_check_lapsed(approved_minor_pair):
    program, mentor, minor, _ = approved_minor_pair
    lapse(mentor)

    next_round = rounds.start_round(program.cohort, {}, program.coordinator)
    db.session.commit()  # the round runs in-process once the commit is done
    db.session.expire_all()

    assert next_round.status == "succeeded"
    assert [(m.apprentice_id, m.mentor_id) for m in next_round.matches] == []
    assert [u.apprentice_id for u in next_round.unmatched] == [minor.id]
