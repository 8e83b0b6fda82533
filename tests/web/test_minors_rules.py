"""Minors in the program's stored rules: no match before the guardian's consent, dates of
birth in imports, and existing rows after the migration (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from tests.conftest import build_program, require_service
from tests.conftest import test_config as settings_for
from tests.factories import make_apprentice, make_mentor
from tests.services import postgres_reachable, scratch_database
from tests.web.test_intake import APPRENTICE_HEADER
from web import create_app
from web.extensions import db
from web.models import ApprenticeProfile, AuditEvent, MatchRound
from web.models.base import utcnow
from web.services import background_checks, cohorts, intake, intake_writes, minors, rounds

ROW = (
    "{id},{name},{email},Lakeshore Community College,software_development,python,"
    "mon 17:00-20:00,remote,,english,{born},,{guardian}\n"
)


def run_round(program) -> MatchRound:
    match_round = rounds.start_round(program.cohort, {}, program.coordinator)
    db.session.commit()  # the round runs in-process once the commit is done
    db.session.expire_all()
    return db.session.get(MatchRound, match_round.id)


def paired(match_round: MatchRound) -> set[int]:
    return {m.apprentice_id for m in match_round.matches}


def test_a_minor_is_matched_only_once_the_guardian_consented(any_app):
    program = build_program()
    minor = make_apprentice(program, date_of_birth=date(2010, 6, 1), is_minor=True)
    minor.guardian_name, minor.guardian_email = "Gloria", "gloria@family.example.org"
    adult = make_apprentice(program)
    mentor = make_mentor(capacity=3)
    background_checks.confirm(mentor, program.coordinator)
    db.session.commit()

    waiting = run_round(program)
    assert paired(waiting) == {adult.id}

    minor = db.session.get(ApprenticeProfile, minor.id)
    minor.guardian_consent_at = utcnow()
    db.session.commit()
    consented = run_round(program)
    assert minor.id in paired(consented)


def test_cohort_start_changes_are_applied_to_stored_minor_flags(any_app):
    program = build_program()
    apprentice = make_apprentice(program, date_of_birth=date(2009, 3, 1))
    minors.derive_minor(apprentice)
    assert apprentice.is_minor  # 17 on 2027-02-01

    program.cohort.starts_on = date(2027, 3, 2)
    assert minors.recompute_cohort(program.cohort) == 1
    assert apprentice.is_minor is False  # 18 on 2027-03-02


def import_rows(program, *rows: str):
    text = APPRENTICE_HEADER + "".join(rows)
    return intake.preview_import("apprentices", text, program.cohort)


def problems_of(preview) -> set[tuple[int, str]]:
    return {(p.line, p.column) for p in preview.problems}


def test_an_import_needs_dates_of_birth_and_a_minors_guardian(any_app):
    program = build_program()
    preview = import_rows(
        program,
        ROW.format(id="a1", name="Ann", email="ann@s.example.org", born="", guardian=","),
        ROW.format(id="a2", name="Bo", email="bo@s.example.org", born="03/01/2009", guardian=","),
        ROW.format(id="a3", name="Cy", email="cy@s.example.org", born="2009-03-01", guardian=","),
        ROW.format(
            id="a4", name="Di", email="di@s.example.org", born="2009-03-01", guardian="Dad,bad"
        ),
    )

    assert problems_of(preview) == {
        (2, "date_of_birth"),
        (3, "date_of_birth"),
        (4, "guardian_name"),
        (4, "guardian_email"),
        (5, "guardian_email"),
    }
    messages = " ".join(p.message for p in preview.problems)
    assert "must be a date written YYYY-MM-DD, got '03/01/2009'" in messages
    assert "under 18 on 2027-02-01, so their parent or guardian's name is required" in messages


def test_an_imported_minor_is_stored_with_the_guardian_and_asked_for_consent(any_app):
    program = build_program()
    preview = import_rows(
        program,
        ROW.format(
            id="a1",
            name="Cy Young",
            email="cy@s.example.org",
            born="2009-03-01",
            guardian="Gloria Young,Gloria@Family.example.org",
        ),
        ROW.format(id="a2", name="Al", email="al@s.example.org", born="2009-01-15", guardian=","),
    )
    assert preview.clean, preview.problems

    intake_writes.apply_import(preview, program.coordinator)
    db.session.commit()

    by_email = {p.user.email: p for p in db.session.scalars(select(ApprenticeProfile)).all()}
    cy, al = by_email["cy@s.example.org"], by_email["al@s.example.org"]
    assert (cy.is_minor, cy.date_of_birth) == (True, date(2009, 3, 1))
    assert cy.guardian_email == "gloria@family.example.org"
    assert cy.guardian_consent_requested_at is not None and cy.guardian_consent_at is None
    assert (al.is_minor, al.guardian_email) == (False, "")
    requested = db.session.scalars(
        select(AuditEvent.subject_id).where(AuditEvent.action == "guardian.consent_requested")
    ).all()
    assert requested == [cy.id]


def test_a_minor_column_must_agree_with_the_date_of_birth(any_app):
    program = build_program()
    header = APPRENTICE_HEADER.replace("date_of_birth,", "date_of_birth,minor,")
    row = ROW.format(
        id="a1", name="Al", email="al@s.example.org", born="2009-01-15,true", guardian=","
    )
    preview = intake.preview_import("apprentices", header + row, program.cohort)

    assert problems_of(preview) == {(2, "minor")}


def test_a_file_without_dates_of_birth_is_refused(any_app):
    program = build_program()
    header = APPRENTICE_HEADER.replace("date_of_birth,", "minor,")
    row = ROW.format(id="a1", name="Al", email="al@s.example.org", born="false", guardian=",")
    preview = intake.preview_import("apprentices", header + row, program.cohort)

    assert problems_of(preview) == {(1, "date_of_birth")}
    assert not preview.clean


@pytest.fixture(params=["sqlite", "postgresql"])
def database_at_0004(request, tmp_path):
    """An app whose database stops at migration 0004, the one before this change."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        yield create_app(settings_for(url), instance_path=str(tmp_path))
        return
    require_service("PostgreSQL", postgres_reachable())
    with scratch_database() as database_url:
        url = database_url.replace("postgresql://", "postgresql+psycopg://")
        app = create_app(settings_for(url), instance_path=str(tmp_path))
        yield app
        with app.app_context():
            db.engine.dispose()


def test_the_migration_keeps_existing_answers_and_dates_checks(database_at_0004):
    checked_at = datetime(2026, 1, 10, 9, 30, tzinfo=UTC)
    with database_at_0004.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            _old_rows(connection, checked_at)
        upgrade()
        mentor = db.session.execute(
            sa.text("SELECT background_check_expires_at FROM mentor_profiles")
        ).scalar_one()
        apprentice = db.session.execute(
            sa.text(
                "SELECT is_minor, date_of_birth, guardian_email, guardian_consent_at "
                "FROM apprentice_profiles"
            )
        ).one()
        db.session.remove()

    if isinstance(mentor, str):  # SQLite answers a raw query with text
        mentor = datetime.fromisoformat(mentor)
    assert background_checks.aware(mentor) == checked_at + timedelta(days=730)
    # An existing minor stays a minor, and waits for a guardian's consent to be matched.
    assert tuple(apprentice) == (True, None, "", None)


def _old_rows(connection, checked_at: datetime) -> None:
    """A mentor with a confirmed check and a minor apprentice, as 0004 stored them."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    connection.execute(
        sa.text(
            "INSERT INTO users (id, email, name, password_hash, role, active, created_at) "
            "VALUES (1, 'm@city.example.gov', 'M', '!', 'mentor', true, :now), "
            "(2, 'a@s.example.org', 'A', '!', 'apprentice', true, :now)"
        ),
        {"now": now},
    )
    connection.execute(
        sa.text(
            "INSERT INTO partner_institutions (id, name, kind, created_at) "
            "VALUES (1, 'P', 'high_school', :now)"
        ),
        {"now": now},
    )
    connection.execute(
        sa.text(
            "INSERT INTO cohorts (id, name, description, registration_open, created_at) "
            "VALUES (1, 'C', '', true, :now)"
        ),
        {"now": now},
    )
    connection.execute(
        sa.text(
            "INSERT INTO mentor_profiles (id, user_id, department, job_title, pathways, "
            "capacity, availability, mode, region, languages, background_check_declared, "
            "background_checked, background_checked_at, phone, accepting, created_at) VALUES "
            "(1, 1, 'D', 'T', '[]', 1, '[]', 'either', '', '[]', true, true, :checked, '', "
            "true, :now)"
        ),
        {"checked": checked_at, "now": now},
    )
    connection.execute(
        sa.text(
            "INSERT INTO apprentice_profiles (id, user_id, partner_id, cohort_id, pathways, "
            "availability, mode, region, languages, is_minor, exclude_mentor_ids, goals, "
            "status, created_at) VALUES (1, 2, 1, 1, '[]', '[]', 'either', '', '[]', true, "
            "'[]', '', 'registered', :now)"
        ),
        {"now": now},
    )


def test_moving_a_cohort_start_derives_minors_again(app, program):
    # Turns 18 on 2027-03-01: a minor when the cohort starts on 2027-02-01, an adult from March.
    profile = make_apprentice(program, date_of_birth=date(2009, 3, 1), is_minor=True)
    db.session.commit()
    cohort = program.cohort
    cohorts.update_cohort(
        cohort,
        program.coordinator,
        name=cohort.name,
        description=cohort.description,
        starts_on=date(2027, 3, 15),
        ends_on=cohort.ends_on,
    )
    db.session.commit()
    assert profile.is_minor is False
