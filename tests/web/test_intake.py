"""Importing apprentices and mentors from CSV: preview every problem, then write all at once."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import event, func, select

from tests.conftest import csrf_token_from, sign_in
from tests.factories import make_mentor
from web.extensions import db
from web.models import ApprenticeProfile, AuditEvent, MentorProfile, User

APPRENTICE_HEADER = (
    "id,name,email,partner,pathways,skills,availability,mode,region,languages,date_of_birth,"
    "exclude_mentors,guardian_name,guardian_email\n"
)
MENTOR_HEADER = (
    "id,name,email,department,title,pathways,skills,capacity,availability,mode,region,"
    "languages,background_checked\n"
)
APPRENTICES = APPRENTICE_HEADER + (
    "a1,Rosa Diaz,Rosa@Students.example.org,Lakeshore Community College,"
    '"software_development; Data and analytics","python:2; SQL and relational databases",'
    "mon 17:00-20:00,remote,South Side,english; spanish,2001-03-14,\n"
    "a2,Tom Lee,tom@students.example.org,westside technical high school,cybersecurity,"
    "security:3,sat 09:00-12:00,either,far_south,english,2010-05-01,,"
    "Lin Lee,lin.lee@family.example.org\n"
)
MENTORS = MENTOR_HEADER + (
    "m1,Maya Chen,maya@city.example.gov,Department of Innovation and Technology,IT Engineer,"
    "software_development,python:3; sql:2,2,mon 17:00-21:00,either,central,english,true\n"
)


@pytest.fixture
def coordinator_client(client, program):
    sign_in(client, program.coordinator)
    return client


def upload(client, content: bytes | str, *, kind="apprentices", cohort=None, program=None):
    """Post a file to the import form, as a coordinator's browser does."""
    token = csrf_token_from(client.get("/coordinator/import").get_data(as_text=True))
    data = content.encode() if isinstance(content, str) else content
    form = {
        "csrf_token": token,
        "kind": kind,
        "cohort": str(cohort if cohort is not None else program.cohort.id) if program else "0",
        "upload": (io.BytesIO(data), "people.csv"),
    }
    return client.post("/coordinator/import", data=form, content_type="multipart/form-data")


def confirm(client, preview_html: str):
    """Press the "Import N people" button of a preview page."""
    token = csrf_token_from(preview_html)
    upload_id = preview_html.split('name="upload_id" type="hidden" value="')[1].split('"')[0]
    return client.post(
        "/coordinator/import/confirm",
        data={"csrf_token": token, "upload_id": upload_id},
        follow_redirects=True,
    )


def people_count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_clean_file_previews_then_imports_everyone(coordinator_client, program):
    preview = upload(coordinator_client, APPRENTICES, program=program)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "2 new apprentices will be added" in html
    assert "emailed an invitation to choose their password" in html
    assert people_count(ApprenticeProfile) == 0, "the preview must write nothing"

    done = confirm(coordinator_client, html)
    assert "Imported 2 apprentices: 2 new, 0 updated" in done.get_data(as_text=True)
    rosa = db.session.scalar(select(User).where(User.email == "rosa@students.example.org"))
    profile = rosa.apprentice_profile
    assert rosa.role == "apprentice" and not rosa.check_password("")
    assert profile.partner.name == "Lakeshore Community College"
    assert profile.cohort_id == program.cohort.id
    assert profile.pathways == ["data_analytics", "software_development"]
    assert {s.skill.key: s.level for s in profile.skills} == {"python": 2, "sql": 1}
    assert profile.region == "south" and profile.languages == ["english", "spanish"]
    assert profile.availability == [[0, 17 * 60, 20 * 60]]
    tom = db.session.scalar(select(User).where(User.email == "tom@students.example.org"))
    assert tom.apprentice_profile.is_minor and tom.apprentice_profile.region == "far_south"
    event_ = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "apprentices.imported")
    )
    assert event_.details == {"kind": "apprentices", "created": 2, "updated": 0}


def test_reimport_updates_instead_of_duplicating(coordinator_client, program):
    confirm(coordinator_client, upload(coordinator_client, APPRENTICES, program=program).text)
    changed = APPRENTICES.replace("Rosa Diaz", "Rosa Díaz-Ortiz").replace("python:2", "python:3")
    preview = upload(coordinator_client, changed, program=program).get_data(as_text=True)
    assert "0 new apprentices will be added" in preview
    assert "2 apprentices already here (same email) will be updated" in preview

    done = confirm(coordinator_client, preview).get_data(as_text=True)
    assert "0 new, 2 updated" in done
    assert people_count(User) == 3 + 2  # the program's three users, plus the two apprentices
    assert people_count(ApprenticeProfile) == 2
    db.session.expire_all()
    rosa = db.session.scalar(select(User).where(User.email == "rosa@students.example.org"))
    assert rosa.name == "Rosa Díaz-Ortiz"
    assert {s.skill.key: s.level for s in rosa.apprentice_profile.skills}["python"] == 3


def test_every_problem_is_listed_with_its_line_and_nothing_is_written(coordinator_client, program):
    bad = APPRENTICE_HEADER + (
        "a1,Rosa,rosa@students.example.org,Nowhere College,software_development,python,"
        "mon 17:00-20:00,remote,,english,2001-03-14,\n"
        "a2,Tom,tom@students.example.org,Lakeshore Community College,astronomy,"
        "python; basket weaving,mon 17:00-20:00,remote,Atlantis,klingon,2001-03-14,\n"
        "a3,Ann,ROSA@students.example.org,Lakeshore Community College,gis,gis,"
        "mon 17:00-20:00,remote,,english,2001-03-14,\n"
        "a4,Bo,not-an-email,Lakeshore Community College,gis,gis,mon 17:00-20:00,remote,,"
        "english,2001-03-14,\n"
    )
    response = upload(coordinator_client, bad, program=program)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported" in html
    assert "unknown partner institution: Nowhere College" in html
    assert "unknown pathway: astronomy" in html
    assert "not in the skills list: basket weaving" in html
    assert "unknown region: Atlantis" in html
    assert "unknown language: klingon" in html
    assert "is also on line 2" in html
    assert "not-an-email" in html and "not a valid email address" in html
    for line in (2, 3, 4, 5):
        assert f"Line {line}</td>" in html
    assert 'name="upload_id"' not in html, "a file with problems cannot be confirmed"
    assert people_count(ApprenticeProfile) == 0


def test_format_errors_and_database_checks_are_listed_together(coordinator_client, program):
    bad = APPRENTICE_HEADER + (
        "a1,Rosa,rosa@students.example.org,Lakeshore Community College,astronomy,python,"
        "mon 17:00-20:00,remote,,english,2001-03-14,\n"
        "a2,Tom,tom@students.example.org,Lakeshore Community College,gis,gis,"
        "someday,by pigeon,,english,perhaps,\n"
    )

    html = upload(coordinator_client, bad, program=program).get_data(as_text=True)

    assert "unknown pathway: astronomy" in html  # line 2 reads well but names no pathway we know
    assert "Line 2</td>" in html and "Line 3</td>" in html
    assert "by_pigeon" in html and "someday" in html  # line 3 cannot be read at all
    assert people_count(ApprenticeProfile) == 0


def test_vocabulary_may_be_written_loosely(coordinator_client, program):
    loose = APPRENTICE_HEADER + (
        "a1,Rosa,rosa@students.example.org,Lakeshore Community College,"
        '"Data & Analytics; software-development",python,mon 17:00-20:00,remote,'
        "south side,English,2001-03-14,\n"
    )

    html = upload(coordinator_client, loose, program=program).get_data(as_text=True)

    assert "1 new apprentice" in html, html
    confirm(coordinator_client, html)
    profile = db.session.scalar(select(ApprenticeProfile))
    assert sorted(profile.pathways) == ["data_analytics", "software_development"]
    assert profile.region == "south"


def test_matcher_reader_problems_keep_their_line_numbers(coordinator_client, program):
    bad = APPRENTICES + (
        "a3,Kim,kim@students.example.org,Lakeshore Community College,gis,gis,"
        "someday 25:00-26:00,by pigeon,,english,maybe,\n"
    )
    html = upload(coordinator_client, bad, program=program).get_data(as_text=True)
    assert "Line 4</td>" in html
    for column in ("availability", "mode", "date_of_birth"):
        assert f'<td data-label="Column">{column}</td>' in html
    assert people_count(ApprenticeProfile) == 0


def test_mentor_file_uploaded_as_apprentices_says_so(coordinator_client, program):
    html = upload(coordinator_client, MENTORS, program=program).get_data(as_text=True)
    assert "this looks like a file of mentors, not apprentices" in html
    assert people_count(User) == 3


def test_mentors_import_without_a_cohort(coordinator_client, program):
    preview = upload(coordinator_client, MENTORS, kind="mentors")
    done = confirm(coordinator_client, preview.get_data(as_text=True))
    assert "Imported 1 mentors: 1 new, 0 updated" in done.get_data(as_text=True)
    maya = db.session.scalar(select(MentorProfile))
    assert (maya.user.name, maya.capacity, maya.background_checked) == ("Maya Chen", 2, True)
    assert {s.skill.key: s.level for s in maya.skills} == {"python": 3, "sql": 2}


def test_apprentices_need_a_cohort(coordinator_client, program):
    response = upload(coordinator_client, APPRENTICES, cohort=0, program=program)
    assert response.status_code == 400
    assert "Choose the cohort the apprentices join." in response.get_data(as_text=True)


def test_exclusions_name_existing_mentors(coordinator_client, program):
    mentor = make_mentor()
    db.session.commit()
    ghost = f"2001-03-14,{mentor.user.email}; ghost@city.example.gov\n"
    text = APPRENTICES.replace("2001-03-14,\n", ghost)
    html = upload(coordinator_client, text, program=program).get_data(as_text=True)
    assert "no mentor with this email or number: ghost@city.example.gov" in html
    fixed = APPRENTICES.replace("2001-03-14,\n", f"2001-03-14,{mentor.user.email}\n")
    confirm(coordinator_client, upload(coordinator_client, fixed, program=program).text)
    rosa = db.session.scalar(select(User).where(User.email == "rosa@students.example.org"))
    assert rosa.apprentice_profile.exclude_mentor_ids == [mentor.id]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"  \n", "The file is empty"),
        (b"id,name\n\xff\xfe\x00bad", "The file is not UTF-8 text"),
        (APPRENTICE_HEADER.encode(), "the file has a header but no people"),
        (b"name,email\nRosa,rosa@x.org\n", "required column is missing"),
    ],
)
def test_unusable_uploads_are_explained(coordinator_client, program, content, message):
    response = upload(coordinator_client, content, program=program)
    assert message in response.get_data(as_text=True)
    assert people_count(User) == 3


def test_no_file_chosen(coordinator_client, program):
    token = csrf_token_from(coordinator_client.get("/coordinator/import").text)
    response = coordinator_client.post(
        "/coordinator/import", data={"csrf_token": token, "kind": "mentors", "cohort": "0"}
    )
    assert response.status_code == 400
    assert "Choose a CSV file to upload." in response.get_data(as_text=True)


def test_confirm_with_an_unknown_upload_id_imports_nothing(coordinator_client, program):
    token = csrf_token_from(coordinator_client.get("/coordinator/import").text)
    response = coordinator_client.post(
        "/coordinator/import/confirm",
        data={"csrf_token": token, "upload_id": "0" * 32},
        follow_redirects=True,
    )
    assert "That preview has expired or was already imported" in response.get_data(as_text=True)


def test_a_preview_can_be_imported_only_once(coordinator_client, program):
    html = upload(coordinator_client, APPRENTICES, program=program).get_data(as_text=True)
    confirm(coordinator_client, html)
    again = confirm(coordinator_client, html).get_data(as_text=True)
    assert "already imported" in again
    assert people_count(ApprenticeProfile) == 2


def test_only_coordinators_may_import(client, program):
    sign_in(client, program.partner_a_user)
    assert client.get("/coordinator/import").status_code == 403


def test_two_thousand_rows_preview_without_a_query_per_row(coordinator_client, program):
    rows = [
        f"a{n},Person {n},person{n}@students.example.org,Lakeshore Community College,"
        f"software_development,python:2; sql,mon 17:00-20:00,remote,south,english,2001-03-14,\n"
        for n in range(2000)
    ]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        html = upload(coordinator_client, APPRENTICE_HEADER + "".join(rows), program=program).text
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert "2000 new apprentices will be added" in html
    assert len(statements) < 20, statements

    done = confirm(coordinator_client, html)
    assert "Imported 2000 apprentices" in done.get_data(as_text=True)
    assert people_count(ApprenticeProfile) == 2000
