"""The outcomes report's figures agree with numbers computed in the test from the raw rows."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.web import outcomes_expected as expected
from tests.web.outcomes_data import build_outcomes_program
from web.extensions import db
from web.models import ApprenticeProfile, ReportBuild
from web.services import city_titles, outcomes
from web.services.outcome_reports import SECTIONS, ReportScope, build_report


def _by(section: dict, *keys: str) -> dict:
    at = {column: i for i, column in enumerate(section["columns"])}
    found = {}
    for row in section["rows"]:
        key = tuple(row[at[k]] for k in keys)
        found[key if len(key) > 1 else key[0]] = {c: row[i] for c, i in at.items()}
    return found


def _check_report(report: dict, partner_id=None) -> None:
    sections = report["sections"]
    completion = _by(sections["completion"], "cohort")
    wanted = expected.completion(partner_id)
    assert set(completion) == set(wanted)
    for cohort, row in wanted.items():
        for column in ("mentorships", "completed", "ended_early", "running", "other"):
            assert completion[cohort][column] == row[column], (cohort, column)
        assert completion[cohort]["completion_rate"] == row["completion_rate"]

    scores = _by(sections["nps"], "cohort", "survey", "respondent")
    assert scores.keys() == expected.nps(partner_id).keys()
    for key, row in expected.nps(partner_id).items():
        for column, value in row.items():
            assert scores[key][column] == pytest.approx(value), (key, column)

    goal_rows = _by(sections["goals"], "cohort")
    assert {c: (r["proposed"], r["agreed"], r["met"]) for c, r in goal_rows.items()} == {
        c: (r["proposed"], r["agreed"], r["met"]) for c, r in expected.goals(partner_id).items()
    }
    skill_rows = _by(sections["skills"], "skill")
    assert {s: (r["agreed_goals"], r["signed_off"]) for s, r in skill_rows.items()} == (
        expected.skills(partner_id)
    )
    hire_rows = _by(sections["hires"], "department", "job_title")
    assert {k: r["hires"] for k, r in hire_rows.items()} == expected.hires(partner_id)
    kept = _by(sections["retention"], "months")
    for months, row in expected.retention(partner_id).items():
        for column, value in row.items():
            assert kept[months][column] == value, (months, column)
    assert set(kept) == set(expected.retention(partner_id))


@pytest.mark.parametrize("seed", [3, 11])
def test_program_figures_match_the_raw_rows(app, program, seed):
    build_outcomes_program(program, seed=seed)
    report = build_report(ReportScope())
    _check_report(report)
    # The fixture makes every kind of figure, so the comparison is not of empty lists.
    assert all(report["sections"][key]["rows"] for key in report["sections"])


def test_a_partners_figures_count_only_its_apprentices(app, program):
    build_outcomes_program(program, seed=5)
    for partner in (program.partner_a, program.partner_b):
        _check_report(build_report(ReportScope(partner_id=partner.id)), partner.id)
    everyone = _by(build_report(ReportScope())["sections"]["completion"], "cohort")
    only_a = _by(
        build_report(ReportScope(partner_id=program.partner_a.id))["sections"]["completion"],
        "cohort",
    )
    assert sum(r["mentorships"] for r in only_a.values()) < sum(
        r["mentorships"] for r in everyone.values()
    )


def test_the_page_builds_the_report_on_the_worker_and_draws_each_chart(app, client, program):
    build_outcomes_program(program, seed=3)
    sign_in(client, program.coordinator)
    page = client.get("/coordinator/outcomes/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    build = db.session.scalar(select(ReportBuild).where(ReportBuild.scope == "program"))
    assert (build.status, build.progress) == ("succeeded", 1.0)
    for key in ("completion", "nps", "goals", "skills", "hires", "retention"):
        assert f'id="chart-{key}"' in html and f'id="table-{key}"' in html
        assert f"/coordinator/outcomes/{key}.csv" in html
    assert client.get("/coordinator/outcomes/progress.json").get_json() == {
        "status": "succeeded",
        "progress": 1.0,
        "message": "",
    }
    # Nothing changed: the next view reads the kept build, and asks for no other.
    computed = build.computed_at
    client.get("/coordinator/outcomes/")
    db.session.expire_all()
    assert db.session.get(ReportBuild, build.id).computed_at == computed


def test_each_chart_downloads_as_csv_with_the_same_figures(app, client, program):
    build_outcomes_program(program, seed=3)
    sign_in(client, program.coordinator)
    client.get("/coordinator/outcomes/")
    response = client.get("/coordinator/outcomes/completion.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    wanted = expected.completion()
    assert {r["cohort"]: int(r["completed"]) for r in rows} == {
        c: r["completed"] for c, r in wanted.items()
    }
    assert client.get("/coordinator/outcomes/nothing.csv").status_code == 404


def test_partner_sees_its_own_report_and_no_one_elses(app, client, program):
    build_outcomes_program(program, seed=5)
    sign_in(client, program.partner_a_user)
    page = client.get("/partner/outcomes")
    assert page.status_code == 200
    build = db.session.scalar(
        select(ReportBuild).where(ReportBuild.scope == f"partner:{program.partner_a.id}")
    )
    _check_report(build.result, program.partner_a.id)
    response = client.get("/partner/outcomes/hires.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {(r["department"], r["job_title"]): int(r["hires"]) for r in rows} == (
        expected.hires(program.partner_a.id)
    )
    assert client.get("/partner/outcomes/unknown.csv").status_code == 404
    for url in ("/coordinator/outcomes/", "/coordinator/outcomes/open-data.csv"):
        assert client.get(url).status_code == 403


def test_a_build_reports_its_progress_after_each_section(app, program):
    build_outcomes_program(program, seed=3)
    seen = []
    build_report(ReportScope(), lambda fraction, section: seen.append((fraction, section)))
    assert [section for _, section in seen] == list(SECTIONS)
    assert [fraction for fraction, _ in seen] == [n / len(SECTIONS) for n in range(1, 7)]


def test_a_failed_build_says_so_and_the_next_view_asks_again(app, client, program, monkeypatch):
    build_outcomes_program(program, seed=3)
    sign_in(client, program.coordinator)

    def broken(scope):
        raise RuntimeError("disk full")

    monkeypatch.setitem(SECTIONS, "skills", broken)
    html = client.get("/coordinator/outcomes/").get_data(as_text=True)
    assert "The report could not be built" in html and "disk full" in html
    assert client.get("/coordinator/outcomes/progress.json").get_json()["status"] == "failed"
    monkeypatch.undo()
    assert 'id="chart-skills"' in client.get("/coordinator/outcomes/").get_data(as_text=True)


def test_a_hire_recorded_after_a_build_shows_on_the_next_view(app, client, program):
    build_outcomes_program(program, seed=3)
    sign_in(client, program.coordinator)
    client.get("/coordinator/outcomes/")
    department, title = city_titles.city_positions()[-1]
    apprentice = db.session.scalar(select(ApprenticeProfile).order_by(ApprenticeProfile.id))
    answers = outcomes.OutcomeAnswers("hired", department, title, date(2027, 12, 1))
    outcomes.add_outcome(apprentice, answers, program.coordinator, date(2028, 1, 1))
    db.session.commit()
    html = client.get("/coordinator/outcomes/").get_data(as_text=True)
    build = db.session.scalar(select(ReportBuild).where(ReportBuild.scope == "program"))
    _check_report(build.result)
    assert department in html and title in html
