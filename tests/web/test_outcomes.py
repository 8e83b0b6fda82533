"""Outcomes after the program: recorded by coordinators or the apprentice's own partner."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import make_user, sign_in, submit
from tests.factories import make_apprentice
from tests.web.outcomes_helpers import hire_form
from tests.web.program_year import switch_person
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    AuditEvent,
    Outcome,
    OutcomeKind,
    OutcomeSource,
    RetentionCheck,
    Role,
)
from web.services import city_titles, outcomes
from web.services.outcomes import OutcomeAnswers, OutcomeRefused

TODAY = date(2027, 9, 1)


@pytest.fixture
def finished(program):
    """An apprentice of each partner whose year is over."""
    a, b = make_apprentice(program), make_apprentice(program, program.partner_b)
    a.status, b.status = ApprenticeStatus.COMPLETED, ApprenticeStatus.ENDED
    db.session.commit()
    return a, b


def test_the_titles_list_comes_from_the_city_seeds_and_is_checked():
    assert (
        "Department of Innovation and Technology",
        "IT Engineer",
    ) in city_titles.city_positions()
    assert "Chicago Public Library" in city_titles.departments()
    assert city_titles.canonical_position(
        " office of the city clerk ", "project manager/business analyst"
    ) == (
        "Office of the City Clerk",
        "Project Manager/Business Analyst",
    )
    assert city_titles.canonical_position("Department of Finance", "Astronaut") is None


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        (OutcomeAnswers("promoted", "", "", TODAY), "kind", "Choose what happened."),
        (OutcomeAnswers("hired", "", "", TODAY), "position", "department and job title"),
        (
            OutcomeAnswers("hired", "Department of Finance", "GIS Analyst", TODAY),
            "position",
            "not on the city's list",
        ),
        (OutcomeAnswers("other", "", "", date(2027, 9, 2)), "occurred_on", "future"),
        (OutcomeAnswers("other", "", "", None), "occurred_on", "Enter the date"),
    ],
)
def test_answers_that_break_a_rule_say_which_field(app, answers, field, message):
    with app.test_request_context(), pytest.raises(OutcomeRefused) as refused:
        outcomes.checked(answers, TODAY)
    assert refused.value.field == field and message in str(refused.value)


def test_study_and_other_outcomes_drop_any_city_position(app):
    answers = OutcomeAnswers(
        "continued_study", "Department of Finance", "Programmer/Analyst", TODAY
    )
    assert outcomes.checked(answers, TODAY).department == ""


def test_coordinator_records_a_hire_and_sees_it_on_the_list(client, program, finished):
    apprentice, _ = finished
    sign_in(client, program.coordinator)
    page = submit(client, f"/outcomes/apprentices/{apprentice.id}", hire_form())
    assert "The outcome is recorded." in page.text
    outcome = db.session.scalar(select(Outcome))
    assert (outcome.kind, outcome.department, outcome.job_title) == (
        OutcomeKind.HIRED,
        "Department of Innovation and Technology",
        "IT Engineer",
    )
    assert outcome.occurred_on == date(2026, 6, 30)
    assert outcome.entered_by_id == program.coordinator.id
    assert outcome.source == OutcomeSource.MANUAL
    listing = client.get("/outcomes/").text
    assert apprentice.user.name in listing and "Hired by the city: IT Engineer" in listing
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outcome.recorded"))
    assert event.actor_id == program.coordinator.id and event.subject_id == outcome.id


def test_a_bad_answer_is_explained_next_to_its_field_and_kept(client, program, finished):
    apprentice, _ = finished
    sign_in(client, program.coordinator)
    form = hire_form(position="", occurred_on="2026-06-30", note="Started in July")
    page = submit(client, f"/outcomes/apprentices/{apprentice.id}", form)
    assert page.status_code == 400
    assert "Choose the department and job title of the hire." in page.text
    assert "Started in July" in page.text and 'value="2026-06-30"' in page.text
    assert db.session.scalar(select(Outcome)) is None
    page = submit(client, f"/outcomes/apprentices/{apprentice.id}", hire_form(occurred_on="June"))
    assert page.status_code == 400 and "Enter a date like 2027-03-14." in page.text


def test_correcting_a_hire_moves_its_unanswered_retention_checks(client, program, finished):
    apprentice, _ = finished
    coordinator = program.coordinator
    hire = outcomes.add_outcome(
        apprentice,
        OutcomeAnswers("hired", "Department of Finance", "Programmer/Analyst", date(2026, 1, 5)),
        coordinator,
        TODAY,
    )
    hire.retention_checks.append(RetentionCheck(months=6, due_on=date(2026, 7, 5)))
    db.session.commit()
    sign_in(client, coordinator)
    form = hire_form(position="Department of Finance|Programmer/Analyst", occurred_on="2026-02-05")
    page = submit(client, f"/outcomes/{hire.id}/edit", form)
    assert "The outcome is saved." in page.text
    db.session.expire_all()
    assert hire.occurred_on == date(2026, 2, 5) and hire.retention_checks == []
    assert hire.updated_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outcome.changed"))
    assert event.details["changed"]["occurred_on"] == ["2026-01-05", "2026-02-05"]


def test_a_partner_records_for_its_own_apprentices_only(app, client, program, finished):
    own, other = finished
    sign_in(client, program.partner_a_user)
    listing = client.get("/outcomes/").text
    assert own.user.name in listing and other.user.name not in listing
    page = submit(client, f"/outcomes/apprentices/{own.id}", hire_form(kind="applied"))
    assert "The outcome is recorded." in page.text

    assert client.get(f"/outcomes/apprentices/{other.id}").status_code == 404
    theirs = outcomes.add_outcome(
        other, OutcomeAnswers("other", "", "", TODAY), program.coordinator, TODAY
    )
    db.session.commit()
    assert client.get(f"/outcomes/{theirs.id}/edit").status_code == 404
    token_page = client.get(f"/outcomes/apprentices/{own.id}").text
    from tests.conftest import csrf_token_from

    token = csrf_token_from(token_page)
    posted = client.post(f"/outcomes/{theirs.id}/edit", data={**hire_form(), "csrf_token": token})
    assert posted.status_code == 404
    posted = client.post(
        f"/outcomes/apprentices/{other.id}", data={**hire_form(), "csrf_token": token}
    )
    assert posted.status_code == 404
    db.session.expire_all()
    assert theirs.kind == "other"
    assert (
        db.session.scalar(
            select(Outcome.id).where(Outcome.apprentice_id == other.id, Outcome.kind == "hired")
        )
        is None
    )


def test_a_reviewer_reads_outcomes_but_cannot_record_one(app, client, program, finished):
    apprentice, _ = finished
    reviewer = make_user(Role.COORDINATOR, "rev@city.example.gov", coordinator_role="reviewer")
    db.session.commit()
    sign_in(client, reviewer)
    assert client.get("/outcomes/").status_code == 200
    response = submit(client, f"/outcomes/apprentices/{apprentice.id}", hire_form())
    assert response.status_code == 403
    assert db.session.scalar(select(Outcome)) is None


def test_apprentices_and_mentors_cannot_open_outcome_pages(app, client, program, finished):
    apprentice, _ = finished
    sign_in(client, apprentice.user)
    assert client.get("/outcomes/").status_code == 403
    assert client.get(f"/outcomes/apprentices/{apprentice.id}").status_code == 403


def test_the_list_filters_by_cohort_and_ignores_an_unknown_one(client, program, finished):
    sign_in(client, program.coordinator)
    for cohort in (program.cohort.id, 999):
        text = client.get(f"/outcomes/?cohort={cohort}").text
        assert all(a.user.name in text for a in finished)


def test_switching_people_keeps_scoping(app, program, finished):
    own, other = finished
    partner_b = switch_person(app, program.partner_b_user)
    assert partner_b.get(f"/outcomes/apprentices/{other.id}").status_code == 200
    assert partner_b.get(f"/outcomes/apprentices/{own.id}").status_code == 404


def test_an_apprentice_downloads_their_outcomes_and_erasure_keeps_only_the_counts(
    app, client, program, finished
):
    apprentice, _ = finished
    answers = OutcomeAnswers("hired", "Department of Finance", "Database Administrator", TODAY)
    hire = outcomes.add_outcome(apprentice, answers, program.coordinator, TODAY)
    hire.note = "Starts on the night shift"
    hire.retention_checks.append(RetentionCheck(months=6, due_on=date(2028, 3, 1)))
    db.session.commit()
    sign_in(client, apprentice.user)
    data = client.get("/account/my-data.json").get_json()
    [mine] = data["apprentice_profile"]["outcomes"]
    assert mine["job_title"] == "Database Administrator" and mine["occurred_on"] == "2027-09-01"
    assert mine["note"] == "Starts on the night shift"
    assert mine["retention_checks"] == [
        {"months": 6, "due_on": "2028-03-01", "still_employed": None}
    ]

    from web.services.erasure import erase_apprentice_data

    erase_apprentice_data(apprentice)
    db.session.commit()
    db.session.expire_all()
    assert (hire.kind, hire.job_title, hire.note) == ("hired", "Database Administrator", "")
    assert len(hire.retention_checks) == 1


def test_a_new_note_keeps_the_unanswered_retention_check(app, client, program, finished):
    apprentice, _ = finished
    answers = OutcomeAnswers("hired", "Department of Finance", "Programmer/Analyst", TODAY)
    hire = outcomes.add_outcome(apprentice, answers, program.coordinator, TODAY)
    hire.retention_checks.append(RetentionCheck(months=6, due_on=date(2028, 3, 1)))
    db.session.commit()
    changed = OutcomeAnswers(
        "hired", "Department of Finance", "Programmer/Analyst", TODAY, "Night shift"
    )
    assert outcomes.change_outcome(hire, changed, program.coordinator, TODAY)
    assert not outcomes.change_outcome(hire, changed, program.coordinator, TODAY)
    assert hire.note == "Night shift" and len(hire.retention_checks) == 1
