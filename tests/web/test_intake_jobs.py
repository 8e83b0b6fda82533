"""Confirmed imports run as a worker task: a status page, progress JSON, once and all-or-nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, make_user, sign_in
from tests.web.test_intake import APPRENTICES, MENTORS, confirm, upload
from web.database import send_task
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    AuditEvent,
    ImportStatus,
    MentorProfile,
    PeopleImport,
    Role,
    User,
)
from web.services import intake, intake_writes
from web.services.people_imports import IMPORT_TASK


@pytest.fixture
def coordinator_client(client, program):
    sign_in(client, program.coordinator)
    return client


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def the_import() -> PeopleImport:
    db.session.expire_all()
    return db.session.scalar(select(PeopleImport))


def queued_import(program, kind="apprentices", content=APPRENTICES) -> PeopleImport:
    """An import recorded as confirmed, but not yet picked up by a worker."""
    cohort = program.cohort if kind == "apprentices" else None
    row = PeopleImport(kind=kind, cohort=cohort, content=content, started_by=program.coordinator)
    db.session.add(row)
    db.session.commit()
    return row


def test_confirm_records_the_import_and_the_task_writes_it(coordinator_client, program):
    preview = upload(coordinator_client, APPRENTICES, program=program).text
    done = confirm(coordinator_client, preview)

    people_import = the_import()
    assert done.request.path == f"/coordinator/imports/{people_import.id}"
    page = done.get_data(as_text=True)
    assert "Imported 2 apprentices: 2 new, 0 updated." in page
    assert "<progress" not in page and "round-progress.js" not in page, "finished: no polling"
    assert people_import.status == ImportStatus.SUCCEEDED
    assert (people_import.created_count, people_import.updated_count) == (2, 0)
    assert people_import.rows == 2 and people_import.progress == 1.0
    assert people_import.started_by_id == program.coordinator.id
    assert people_import.cohort_id == program.cohort.id
    assert people_import.content is None, "the file is not kept once its people are stored"
    assert people_import.started_at and people_import.finished_at
    assert count(ApprenticeProfile) == 2


def test_status_json_reports_the_outcome(coordinator_client, program):
    confirm(coordinator_client, upload(coordinator_client, MENTORS, kind="mentors").text)
    people_import = the_import()

    answer = coordinator_client.get(f"/coordinator/imports/{people_import.id}/progress.json")
    assert answer.get_json() == {
        "status": "succeeded",
        "progress": 1.0,
        "message": "Done",
        "error": None,
        "created": 1,
        "updated": 0,
    }
    assert count(MentorProfile) == 1


def test_a_queued_import_shows_progress_and_polls(coordinator_client, program):
    people_import = queued_import(program)

    html = coordinator_client.get(f"/coordinator/imports/{people_import.id}").text
    assert "Waiting to start" in html
    assert '<progress id="import-progress-bar"' in html and "0% · Waiting for a worker" in html
    progress_url = f"/coordinator/imports/{people_import.id}/progress.json"
    assert f'data-progress-url="{progress_url}"' in html
    assert "/static/round-progress.js" in html
    assert '<noscript><meta http-equiv="refresh"' in html
    answer = coordinator_client.get(progress_url).get_json()
    assert (answer["status"], answer["progress"]) == ("queued", 0.0)


def test_a_file_that_no_longer_passes_fails_and_writes_nothing(coordinator_client, program):
    preview = upload(coordinator_client, APPRENTICES, program=program).text
    # Between the preview and the import, Tom's email is given to a mentor account.
    make_user(Role.MENTOR, "tom@students.example.org", "Tom the Mentor")
    program.partner_a.name = "Lakeshore College"
    db.session.commit()

    page = confirm(coordinator_client, preview).get_data(as_text=True)

    assert "The import failed. Nothing was imported." in page
    assert "unknown partner institution: Lakeshore Community College" in page
    assert "line 3, column email: &#39;tom@students.example.org&#39; already belongs" in page
    people_import = the_import()
    assert people_import.status == ImportStatus.FAILED and people_import.content is None
    assert "no longer passes the checks" in people_import.error
    assert count(ApprenticeProfile) == 0 and count(User) == 4
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("%imported"))) is None
    answer = coordinator_client.get(f"/coordinator/imports/{people_import.id}/progress.json")
    assert answer.get_json()["status"] == "failed"
    assert "unknown partner institution" in answer.get_json()["error"]


def test_apprentices_whose_cohort_is_gone_fail_with_a_message(coordinator_client, program):
    people_import = queued_import(program)
    people_import.cohort_id = None
    db.session.commit()

    send_task(IMPORT_TASK, people_import.id)

    failed = the_import()
    assert failed.status == ImportStatus.FAILED
    assert failed.error == "Choose the cohort the apprentices join."
    assert count(ApprenticeProfile) == 0


def test_running_the_task_twice_imports_once(coordinator_client, program):
    people_import = queued_import(program)

    send_task(IMPORT_TASK, people_import.id)
    send_task(IMPORT_TASK, people_import.id)

    done = the_import()
    assert done.status == ImportStatus.SUCCEEDED
    # A second run would have found both apprentices already here and counted 2 updates.
    assert (done.created_count, done.updated_count) == (2, 0)
    assert count(ApprenticeProfile) == 2
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "apprentices.imported")
    ).all()
    assert len(events) == 1 and events[0].actor_id == program.coordinator.id


def test_a_task_for_an_unknown_import_does_nothing(app, program):
    send_task(IMPORT_TASK, 999)
    assert count(PeopleImport) == 0 and count(ApprenticeProfile) == 0


def test_writing_reports_progress_every_few_hundred_rows(app, program):
    rows = "".join(
        f"a{n},Person {n},person{n}@students.example.org,Lakeshore Community College,"
        "software_development,python,mon 17:00-20:00,remote,,english,2001-03-14,\n"
        for n in range(450)
    )
    text = APPRENTICES.split("\n", 1)[0] + "\n" + rows
    preview = intake.preview_import("apprentices", text, program.cohort)
    heard: list[tuple[float, str]] = []

    intake_writes.apply_import(preview, program.coordinator, lambda *report: heard.append(report))

    assert [fraction for fraction, _ in heard] == [0.0, 200 / 450, 400 / 450, 1.0]
    assert heard[1][1] == "Preparing apprentices: 200 of 450"
    assert heard[-1][1] == "Saving 450 apprentices"


def test_preview_rows_carry_their_file_lines(app, program):
    # A blank record and a list quoted over two lines (names must be one line): a1 starts on
    # line 2, a2 on line 4.
    text = APPRENTICES.replace("\na2,Tom Lee,", "\n,,,,,,,,,,,\na2,Tom Lee,")
    text = text.replace(",far_south,english,", ',far_south,"english;\nspanish",')
    preview = intake.preview_import("apprentices", text, program.cohort)
    assert preview.clean
    assert [(row.line, row.person.id) for row in preview.rows] == [(2, "a1"), (4, "a2")]


PAGES = ["/coordinator/imports/{}", "/coordinator/imports/{}/progress.json"]


@pytest.mark.parametrize("path", PAGES)
def test_other_roles_may_not_see_an_import(client, program, path):
    people_import = queued_import(program)
    sign_in(client, program.partner_a_user)
    assert client.get(path.format(people_import.id)).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_an_unknown_import_is_not_found(coordinator_client, program, path):
    assert coordinator_client.get(path.format(999)).status_code == 404


def test_only_coordinators_confirm_imports(client, program):
    sign_in(client, program.partner_a_user)
    # The sign-out form carries a token, so the refusal is about the role, not CSRF.
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/partner/").text)[1]
    response = client.post(
        "/coordinator/import/confirm", data={"csrf_token": token, "upload_id": "0" * 32}
    )
    assert response.status_code == 403
    assert count(PeopleImport) == 0


def test_an_upload_id_that_is_not_one_queues_nothing(coordinator_client, program):
    token = csrf_token_from(coordinator_client.get("/coordinator/import").text)
    response = coordinator_client.post(
        "/coordinator/import/confirm",
        data={"csrf_token": token, "upload_id": "../../etc/passwd"},
        follow_redirects=True,
    )
    assert "That preview has expired" in response.get_data(as_text=True)
    assert count(PeopleImport) == 0
