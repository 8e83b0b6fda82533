"""A re-import that would change someone in a pair shows each change and needs a tick per row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import build_program, csrf_token_from, sign_in
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from tests.web.test_intake import APPRENTICE_HEADER, MENTOR_HEADER, upload
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    AuditEvent,
    Cohort,
    MatchStatus,
    MentorProfile,
    Mentorship,
    PeopleImport,
    User,
)

UPLOAD_ID = 'name="upload_id" type="hidden" value="'
BORN = date(2000, 1, 1)  # the apprentices' date of birth, in their profiles and in the files


def confirm(client, preview_html: str, ticked: list[str] = ()):
    """Press "Import" on the preview, with the given rows' boxes ticked."""
    upload_id = preview_html.split(UPLOAD_ID)[1].split('"')[0]
    form = {"csrf_token": csrf_token_from(preview_html), "upload_id": upload_id}
    return client.post(
        "/coordinator/import/confirm", data=form | {"confirm": list(ticked)}, follow_redirects=True
    )


def apprentice_row(user: User, partner: str) -> str:
    return (
        f"{user.id},{user.name},{user.email},{partner},software_development,python:2,"
        f"mon 17:00-20:00,remote,,english,{BORN},,,\n"
    )


@pytest.fixture
def world(any_app):
    """An active apprentice, one only registered, a second cohort, and the coordinator."""
    program = build_program()
    fall = Cohort(name="2027 Fall", starts_on=date(2027, 9, 1))
    db.session.add(fall)
    active = make_apprentice(program, date_of_birth=BORN)
    match = make_round(program.cohort, [(active, make_mentor(), MatchStatus.APPROVED)]).matches[0]
    publish_pair(match)
    waiting = make_apprentice(program, date_of_birth=BORN)
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, program.coordinator)
    return client, program, fall, active, waiting


def moving_file(active, waiting) -> str:
    """Both apprentices, moved to the other partner (and, by the upload, the other cohort)."""
    other = "Westside Technical High School"
    return (
        APPRENTICE_HEADER + apprentice_row(active.user, other) + apprentice_row(waiting.user, other)
    )


def test_the_preview_shows_each_change_of_someone_in_a_pair(world):
    client, program, fall, active, waiting = world
    page = upload(client, moving_file(active, waiting), cohort=fall.id, program=program)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Changes to people already in a pair" in html
    assert "Cohort: 2027 Spring → 2027 Fall" in html
    assert "Partner institution: Lakeshore Community College → Westside Technical High School" in (
        html
    )
    assert f'name="confirm" value="{active.user.email}"' in html
    assert f'value="{waiting.user.email}"' not in html, "a registered apprentice needs no tick"


def test_unticked_rows_are_left_unchanged_and_reported(world):
    client, program, fall, active, waiting = world
    preview = upload(client, moving_file(active, waiting), cohort=fall.id, program=program)
    done = confirm(client, preview.get_data(as_text=True)).get_data(as_text=True)

    assert "1 person was left unchanged" in done
    assert "Cohort: 2027 Spring → 2027 Fall" in done
    db.session.expire_all()
    kept = db.session.get(ApprenticeProfile, active.id)
    assert (kept.cohort_id, kept.partner_id) == (program.cohort.id, program.partner_a.id)
    assert kept.status == ApprenticeStatus.ACTIVE
    moved = db.session.get(ApprenticeProfile, waiting.id)
    assert (moved.cohort_id, moved.partner_id) == (fall.id, program.partner_b.id)
    people_import = db.session.scalar(select(PeopleImport))
    assert people_import.unconfirmed_rows[0]["email"] == active.user.email
    assert people_import.updated_count == 1
    imported = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "apprentices.imported")
    )
    assert imported.details["left_unchanged"] == 1


def test_ticked_rows_change_and_each_change_is_audited(world):
    client, program, fall, active, waiting = world
    preview = upload(client, moving_file(active, waiting), cohort=fall.id, program=program)
    done = confirm(client, preview.get_data(as_text=True), [active.user.email])
    assert "left unchanged" not in done.get_data(as_text=True)

    db.session.expire_all()
    moved = db.session.get(ApprenticeProfile, active.id)
    assert (moved.cohort_id, moved.partner_id) == (fall.id, program.partner_b.id)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "import.change_confirmed")
    )
    assert event.actor_id == program.coordinator.id and event.subject_id == active.id
    assert event.details["cohort"] == ["2027 Spring", "2027 Fall"]


def test_a_tick_for_a_row_the_preview_did_not_ask_about_is_ignored(world):
    client, program, fall, active, waiting = world
    file = APPRENTICE_HEADER + apprentice_row(active.user, "Westside Technical High School")
    preview = upload(client, file, cohort=fall.id, program=program).get_data(as_text=True)
    confirm(client, preview, ["someone@else.example.org", waiting.user.email])
    db.session.expire_all()
    assert db.session.get(ApprenticeProfile, active.id).cohort_id == program.cohort.id


def test_someone_paired_after_the_preview_is_not_changed_silently(world):
    client, program, fall, active, waiting = world
    preview = upload(client, moving_file(active, waiting), cohort=fall.id, program=program)
    html = preview.get_data(as_text=True)
    assert f'value="{waiting.user.email}"' not in html
    waiting.status = ApprenticeStatus.PROPOSED  # a round proposed a mentor meanwhile
    db.session.commit()

    done = confirm(client, html, [active.user.email]).get_data(as_text=True)
    assert "1 person was left unchanged" in done and waiting.user.email in done
    db.session.expire_all()
    assert db.session.get(ApprenticeProfile, waiting.id).cohort_id == program.cohort.id
    assert db.session.get(ApprenticeProfile, active.id).cohort_id == fall.id


def test_a_mentor_with_live_pairs_needs_a_tick_too(world):
    client, program, _fall, active, _waiting = world
    mentor_id = db.session.scalar(
        select(Mentorship.mentor_id).where(Mentorship.apprentice_id == active.id)
    )
    mentor = db.session.get(MentorProfile, mentor_id)
    user = mentor.user
    row = (
        f"m,{user.name},{user.email},Chicago Public Library,Librarian,software_development,"
        "python:3,1,mon 17:00-20:00,either,,english,false\n"
    )
    html = upload(client, MENTOR_HEADER + row, kind="mentors").get_data(as_text=True)
    assert "Department: Department of Innovation and Technology → Chicago Public Library" in html
    assert "Job title: IT Engineer → Librarian" in html
    assert "Background check: no → no" not in html, "unchanged fields are not listed"

    confirm(client, html)
    db.session.expire_all()
    assert db.session.get(MentorProfile, mentor.id).department.startswith("Department of")


def test_a_new_date_of_birth_for_someone_in_a_pair_needs_a_tick(world):
    client, program, fall, active, waiting = world
    row = (
        f"{active.user.id},{active.user.name},{active.user.email},Lakeshore Community College,"
        "software_development,python:2,mon 17:00-20:00,remote,,english,2001-02-03,,,\n"
    )
    page = upload(client, APPRENTICE_HEADER + row, cohort=program.cohort.id, program=program)
    html = page.get_data(as_text=True)
    assert "Date of birth: 2000-01-01 → 2001-02-03" in html, html
    assert f'name="confirm" value="{active.user.email}"' in html
    confirm(client, html)
    db.session.expire_all()
    assert db.session.get(ApprenticeProfile, active.id).date_of_birth == date(2000, 1, 1)
