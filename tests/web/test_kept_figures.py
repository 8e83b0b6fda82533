"""Cohort figures are counted once per change of the program, and never shown out of date."""

from __future__ import annotations

from sqlalchemy import select, update

from tests.conftest import sign_in
from tests.factories import make_apprentice, make_mentor
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    Cohort,
    KeptFigures,
    PartnerInstitution,
    ProgramVersion,
)
from web.partners import reports as partner_reports
from web.services import kept_figures, reports


def _version() -> int:
    return db.session.scalar(select(kept_figures.version_now()))


def _counting(monkeypatch, module, name: str) -> list:
    calls = []
    real = getattr(module, name)

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_figures_are_counted_once_and_again_after_each_committed_change(program, monkeypatch):
    make_apprentice(program)
    make_mentor(capacity=2)
    db.session.commit()
    counts = _counting(monkeypatch, reports, "_count_cohort")

    first = reports.cohort_summary(program.cohort)
    assert reports.cohort_summary(program.cohort) == first
    assert len(counts) == 1
    assert (first.matchable, first.mentors, first.places) == (1, 1, 2)
    assert first.by_partner == {"Lakeshore Community College": 1}

    make_apprentice(program, program.partner_b)
    db.session.commit()
    second = reports.cohort_summary(program.cohort)
    assert len(counts) == 2 and second.matchable == 2
    assert second.by_partner == {
        "Lakeshore Community College": 1,
        "Westside Technical High School": 1,
    }


def test_a_bulk_update_raises_the_version_too(program):
    make_apprentice(program)
    db.session.commit()
    assert reports.cohort_summary(program.cohort).by_status == {"registered": 1}
    before = _version()

    db.session.execute(update(ApprenticeProfile).values(status=ApprenticeStatus.WITHDRAWN))
    db.session.commit()
    assert _version() == before + 1
    summary = reports.cohort_summary(program.cohort)
    assert summary.by_status == {"withdrawn": 1} and summary.matchable == 0


def test_changes_figures_do_not_count_from_leave_the_version(program):
    db.session.commit()
    before = _version()
    program.cohort.description = "Spring intake"
    db.session.commit()
    assert _version() == before


def test_figures_counted_with_uncommitted_writes_are_not_kept(program):
    db.session.commit()
    make_apprentice(program)  # flushed, not committed
    assert reports.cohort_summary(program.cohort).matchable == 1
    db.session.rollback()

    assert reports.cohort_summary(program.cohort).matchable == 0
    assert db.session.scalar(select(KeptFigures.figures))["matchable"] == 0


def test_a_partner_sees_pathways_counted_by_the_database(program, monkeypatch):
    make_apprentice(program, pathways=["gis", "data_analytics"])
    make_apprentice(program, pathways=["gis"])
    make_apprentice(program, pathways=["it_support"], status=ApprenticeStatus.WITHDRAWN)
    make_apprentice(program, program.partner_b, pathways=["cybersecurity"])
    db.session.commit()
    counts = _counting(monkeypatch, partner_reports, "_count_cohort")
    partner = program.partner_a.id

    summary = partner_reports.cohort_summary(partner, program.cohort, "2027-01")
    again = partner_reports.cohort_summary(partner, program.cohort, "2027-01")
    assert summary.pathways == again.pathways == (("gis", 2), ("data_analytics", 1))
    assert summary.funnel == again.funnel and summary.funnel.registered == 2
    assert len(counts) == 1

    make_apprentice(program, pathways=["data_analytics"])
    db.session.commit()
    changed = partner_reports.cohort_summary(partner, program.cohort, "2027-01")
    assert changed.pathways == (("data_analytics", 2), ("gis", 2))
    assert len(counts) == 2


def test_the_cohort_page_shows_a_change_made_by_another_request(client, program):
    make_apprentice(program)
    db.session.commit()
    sign_in(client, program.coordinator)
    url = f"/coordinator/cohorts/{program.cohort.id}"
    assert "1 apprentice can be matched" in client.get(url).get_data(as_text=True)

    make_apprentice(program)
    db.session.commit()
    assert "2 apprentices can be matched" in client.get(url).get_data(as_text=True)


def _setup_version() -> int:
    return db.session.scalar(select(kept_figures.version_now(kept_figures.SETUP)))


def test_registrations_leave_the_set_up_version_and_set_up_changes_raise_it(program):
    before = _setup_version()
    make_apprentice(program)
    db.session.commit()
    assert _setup_version() == before

    program.cohort.registration_open = False
    db.session.commit()
    assert _setup_version() == before + 1

    db.session.execute(update(PartnerInstitution).values(active=False))
    db.session.commit()
    assert _setup_version() == before + 2


def test_rows_written_unseen_by_the_orm_raise_the_versions_that_watch_them(app):
    db.session.execute(select(1))  # as a COPY would, in the session's transaction
    kept_figures.note_rows_written(db.session, Cohort)
    assert db.session.info[kept_figures.SETUP.changed_key()]
    assert kept_figures.PROGRAM.changed_key() not in db.session.info
    kept_figures.note_rows_written(db.session, ApprenticeProfile)
    assert db.session.info[kept_figures.PROGRAM.changed_key()]
    db.session.rollback()
    assert not any(version.changed_key() in db.session.info for version in kept_figures.VERSIONS)


def test_the_registration_form_offers_each_set_up_change_at_once(client, program):
    def offered() -> str:
        return client.get("/apprentice/register").get_data(as_text=True)

    assert "2027 Spring" in offered() and "Northside Library Lab" not in offered()
    db.session.add(PartnerInstitution(name="Northside Library Lab", kind="nonprofit"))
    db.session.commit()
    assert "Northside Library Lab" in offered()

    program.cohort.registration_open = False
    db.session.commit()
    assert "No cohort is taking new apprentices" in offered()
    assert len(db.session.scalars(select(KeptFigures.key)).all()) == 1


def test_the_version_seen_is_read_once_per_transaction_and_anew_after_it(program):
    db.session.commit()
    seen = kept_figures.version_seen()
    assert kept_figures.version_seen() == seen == _version()

    make_apprentice(program)
    assert kept_figures.version_seen() is None  # written, not committed: nothing to key by
    db.session.commit()
    assert kept_figures.version_seen() == seen + 1
    assert kept_figures.version_seen() == seen + 1
    db.session.close()  # ended without a commit
    with db.engine.begin() as elsewhere:  # another process's change
        elsewhere.execute(update(ProgramVersion).values(version=ProgramVersion.version + 1))
    assert kept_figures.version_seen() == seen + 2
