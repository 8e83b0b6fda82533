"""Outcomes from a CSV file: every line checked and previewed, then saved once."""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, sign_in
from tests.factories import make_apprentice
from web.extensions import db
from web.models import ApprenticeStatus, AuditEvent, Outcome, OutcomeSource

HEADER = "email,kind,date,department,job_title,note\n"


@pytest.fixture
def people(program):
    """An apprentice of partner A and one of partner B whose year is over."""
    own, other = make_apprentice(program), make_apprentice(program, program.partner_b)
    own.status = other.status = ApprenticeStatus.COMPLETED
    db.session.commit()
    return own, other


def upload(client, text: str):
    token = csrf_token_from(client.get("/outcomes/import").text)
    data = {"csrf_token": token, "upload": (io.BytesIO(text.encode()), "outcomes.csv")}
    return client.post("/outcomes/import", data=data, content_type="multipart/form-data")


def confirm(client, preview_html: str):
    token = csrf_token_from(preview_html)
    content = preview_html.split('name="content" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": token, "content": html.unescape(content)}
    return client.post("/outcomes/import/confirm", data=data, follow_redirects=True)


def test_every_bad_line_is_named_and_nothing_is_saved(client, program, people):
    own, _ = people
    sign_in(client, program.coordinator)
    text = (
        HEADER
        + f"{own.user.email},hired,2026-05-01,Department of Finance,Astronaut,\n"
        + "nobody@example.org,applied,2026-05-01,,,\n"
        + f"{own.user.email},promoted,2026-05-01,,,\n"
        + f"{own.user.email},other,01/05/2026,,,\n"
        + f'{own.user.email},other,2026-05-01,,,"two\nlines"\n'
        + f"{own.user.email},continued_study,2099-01-01,,,\n"
    )
    response = upload(client, text)
    assert response.status_code == 400
    page = response.text
    assert "Line 2: “Astronaut” in “Department of Finance” is not on the city" in page
    assert "Line 3: No apprentice of yours has the email “nobody@example.org”." in page
    assert "Line 4: Choose what happened." in page
    assert "Line 5: “01/05/2026” is not a date: write it like 2026-06-30." in page
    assert "Line 8: The date cannot be in the future." in page  # after a two-line cell
    assert 'name="content"' not in page  # no way to save a file with problems
    assert db.session.scalar(select(func.count(Outcome.id))) == 0


def test_a_file_without_the_needed_columns_is_refused_with_the_list(client, program, people):
    sign_in(client, program.coordinator)
    response = upload(client, "email,when\nx@example.org,2026-01-01\n")
    assert response.status_code == 400
    assert "The header row lacks the column(s): kind, date." in response.text


def test_preview_then_confirm_saves_each_new_row_once(client, program, people):
    own, other = people
    sign_in(client, program.coordinator)
    text = (
        HEADER
        + f"{own.user.email.upper()},Hired,2026-05-01,department of innovation and technology,"
        "it engineer,via the job fair\n"
        + f"{other.user.email},continued_study,2026-08-20,,,\n"
        + f"{other.user.email},continued_study,2026-08-20,,,\n"
    )
    preview = upload(client, text)
    assert preview.status_code == 200
    assert "2 new outcome(s); 1 already recorded" in preview.text
    assert db.session.scalar(select(func.count(Outcome.id))) == 0

    done = confirm(client, preview.text)
    assert "2 outcome(s) added." in done.text
    hire = db.session.scalar(select(Outcome).where(Outcome.kind == "hired"))
    assert (hire.department, hire.job_title) == (
        "Department of Innovation and Technology",
        "IT Engineer",
    )
    assert hire.source == OutcomeSource.IMPORT and hire.note == "via the job fair"
    assert hire.entered_by_id == program.coordinator.id

    again = upload(client, text)
    assert "0 new outcome(s); 3 already recorded" in again.text
    confirm(client, again.text)
    assert db.session.scalar(select(func.count(Outcome.id))) == 2
    imported = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "outcome.imported")
    ).all()
    assert [d["added"] for d in imported] == [2, 0]


def test_a_partner_file_may_name_only_its_own_apprentices(client, program, people):
    own, other = people
    sign_in(client, program.partner_a_user)
    text = (
        HEADER + f"{own.user.email},other,2026-05-01,,,\n{other.user.email},other,2026-05-01,,,\n"
    )
    response = upload(client, text)
    assert response.status_code == 400
    assert f"Line 3: No apprentice of yours has the email “{other.user.email}”." in response.text
    assert db.session.scalar(select(func.count(Outcome.id))) == 0


def test_a_tampered_confirmation_is_checked_again(client, program, people):
    own, other = people
    sign_in(client, program.partner_a_user)
    preview = upload(client, HEADER + f"{own.user.email},other,2026-05-01,,,\n")
    token = csrf_token_from(preview.text)
    sneaked = HEADER + f"{other.user.email},other,2026-05-01,,,\n"
    done = client.post(
        "/outcomes/import/confirm",
        data={"csrf_token": token, "content": sneaked},
        follow_redirects=True,
    )
    assert "Nothing was saved" in done.text
    assert db.session.scalar(select(func.count(Outcome.id))) == 0


def test_a_file_that_is_not_utf8_says_which_line(client, program, people):
    sign_in(client, program.coordinator)
    token = csrf_token_from(client.get("/outcomes/import").text)
    data = {
        "csrf_token": token,
        "upload": (io.BytesIO(HEADER.encode() + b"caf\xe9@x.org,other,2026-01-01,,,\n"), "o.csv"),
    }
    response = client.post("/outcomes/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "line 2" in response.text


def test_the_example_file_can_be_filled_in_and_imported_as_is(client, program, people):
    sign_in(client, program.partner_a_user)
    page = client.get("/outcomes/import").text
    assert "/outcomes/import/example.csv" in page
    example = client.get("/outcomes/import/example.csv")
    assert example.mimetype == "text/csv"
    lines = example.text.splitlines()
    assert lines[0] == "email,kind,date,department,job_title,note"
    own, _ = people
    filled = example.text.replace("apprentice@example.org", own.user.email).replace(
        "another@example.org", own.user.email
    )
    preview = upload(client, filled)
    assert preview.status_code == 200 and "3 new outcome(s); 0 already recorded" in preview.text
