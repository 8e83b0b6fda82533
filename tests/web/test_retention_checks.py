"""Retention checks of hires: made when due, asked for once, recorded and audited."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user, sign_in, submit
from tests.factories import make_apprentice
from tests.web.program_year import switch_person
from tests.web.test_publishing import smtp  # noqa: F401  (fixture)
from web.database import send_task
from web.extensions import db
from web.models import ApprenticeStatus, AuditEvent, ReminderSent, RetentionCheck, Role
from web.services import outcomes, retention_checks
from web.services.outcomes import OutcomeAnswers
from web.services.retention_checks import months_after

HIRED_ON = date(2025, 8, 31)
TASK = "workers.outcome_tasks.check_retention"


@pytest.fixture
def hires(program):
    """A hire of partner A's apprentice and one of partner B's, both on HIRED_ON."""
    made = []
    for partner in (program.partner_a, program.partner_b):
        apprentice = make_apprentice(program, partner)
        apprentice.status = ApprenticeStatus.COMPLETED
        answers = OutcomeAnswers("hired", "Department of Finance", "Programmer/Analyst", HIRED_ON)
        made.append(outcomes.add_outcome(apprentice, answers, program.coordinator, HIRED_ON))
    program.partner_a.contact_email = "apprenticeships@lakeshore.example.org"
    db.session.commit()
    return made


def test_months_after_keeps_the_day_or_the_end_of_a_shorter_month():
    assert months_after(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert months_after(date(2025, 8, 31), 12) == date(2026, 8, 31)
    assert months_after(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert months_after(date(2025, 3, 15), -6) == date(2024, 9, 15)


def test_checks_are_made_on_their_day_and_only_once(app, hires):
    assert retention_checks.create_due_checks(date(2026, 2, 27)) == []
    made = retention_checks.create_due_checks(date(2026, 2, 28))
    assert [(c.months, c.due_on) for c in made] == [(6, date(2026, 2, 28))] * 2
    assert retention_checks.create_due_checks(date(2026, 3, 1)) == []
    late = retention_checks.create_due_checks(date(2026, 9, 1))
    assert [c.months for c in late] == [12, 12]
    assert db.session.scalar(select(func.count(RetentionCheck.id))) == 4


def test_someone_no_longer_employed_at_6_months_is_not_checked_at_12(app, program, hires):
    first, second = hires
    retention_checks.create_due_checks(date(2026, 3, 1))
    check = first.retention_checks[0]
    retention_checks.record_answer(
        check, False, date(2026, 3, 1), program.coordinator, date(2026, 3, 1)
    )
    late = retention_checks.create_due_checks(date(2026, 9, 1))
    assert [(c.outcome_id, c.months) for c in late] == [(second.id, 12)]


def test_the_daily_job_asks_coordinator_and_partner_once_through_smtp(app, program, hires, smtp):  # noqa: F811
    day = "2026-03-02"
    send_task(TASK, day)
    send_task(TASK, day)  # beat delivering the day's job twice
    send_task(TASK, "2026-03-03")  # and the next day
    coordinator_mail = smtp.to(program.coordinator.email)
    partner_mail = smtp.to("apprenticeships@lakeshore.example.org")
    assert len(coordinator_mail) == 2  # one per hire
    assert len(partner_mail) == 1
    assert len(smtp.to(program.partner_b_user.email)) == 1  # its contact, without a main address
    assert "still employed 6 months after the hire?" in partner_mail[0]["Subject"]
    body = partner_mail[0].get_payload()
    assert "Programmer/Analyst" in body and "/outcomes/retention/" in body
    assert len(smtp.messages) == db.session.scalar(select(func.count(ReminderSent.id))) == 4
    db.session.expire_all()
    assert all(
        c.requested_on == date(2026, 3, 2) for c in db.session.scalars(select(RetentionCheck))
    )


def test_a_partner_records_its_own_check_and_it_is_audited(app, client, program, hires):
    first, second = hires
    retention_checks.create_due_checks(date(2026, 3, 1))
    db.session.commit()
    own, other = first.retention_checks[0], second.retention_checks[0]
    sign_in(client, program.partner_a_user)
    listing = client.get("/outcomes/retention").text
    assert "Record the 6-month check" in listing and first.apprentice.user.name in listing
    assert second.apprentice.user.name not in listing
    assert client.get(f"/outcomes/retention/{other.id}").status_code == 404

    page = submit(
        client,
        f"/outcomes/retention/{own.id}",
        {"still_employed": "yes", "checked_on": "2026-03-01"},
    )
    assert "The retention check is recorded." in page.text
    db.session.expire_all()
    assert own.still_employed is True and own.checked_by_id == program.partner_a_user.id
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "retention_check.recorded")
    )
    assert event.subject_id == own.id and event.details["still_employed"] is True
    assert "Still employed" in client.get("/outcomes/retention").text

    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get(f"/outcomes/retention/{own.id}").text)
    posted = client.post(
        f"/outcomes/retention/{other.id}",
        data={"csrf_token": token, "still_employed": "no", "checked_on": "2026-03-01"},
    )
    assert posted.status_code == 404
    db.session.expire_all()
    assert other.still_employed is None


def test_a_missing_answer_or_a_bad_date_is_explained_and_kept(app, client, program, hires):
    retention_checks.create_due_checks(date(2026, 3, 1))
    db.session.commit()
    check = hires[0].retention_checks[0]
    sign_in(client, program.coordinator)
    url = f"/outcomes/retention/{check.id}"
    page = submit(client, url, {"checked_on": "2026-03-01"})
    assert page.status_code == 400 and "Choose yes or no." in page.text
    page = submit(client, url, {"still_employed": "no", "checked_on": "2025-01-01"})
    assert page.status_code == 400 and "The date cannot be before the hire." in page.text
    assert re.search(r'<input checked[^>]*value="no"', page.text)
    db.session.expire_all()
    assert check.still_employed is None


def test_a_reviewer_cannot_record_a_check(app, client, program, hires):
    retention_checks.create_due_checks(date(2026, 3, 1))
    reviewer = make_user(Role.COORDINATOR, "rev@city.example.gov", coordinator_role="reviewer")
    db.session.commit()
    check = hires[0].retention_checks[0]
    reviewer_client = switch_person(app, reviewer)
    response = submit(
        reviewer_client,
        f"/outcomes/retention/{check.id}",
        {"still_employed": "yes", "checked_on": "2026-03-01"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert check.still_employed is None
