"""The partner API's outcomes report: the partner's own figures, per cohort, and 404s."""

from __future__ import annotations

from datetime import date

from tests.factories import make_apprentice
from tests.web import outcomes_expected as expected
from tests.web.api_tokens import bearer_for
from tests.web.outcomes_data import build_outcomes_program
from web.api.openapi import openapi_document
from web.extensions import db
from web.models import Cohort


def test_the_outcomes_report_holds_the_partners_own_figures(app, client, program):
    build_outcomes_program(program, seed=5)
    headers = bearer_for(program.partner_a_user)
    body = client.get("/api/v1/outcomes", headers=headers).get_json()
    partner = program.partner_a.id
    assert {r["cohort"]: r["completed"] for r in body["completion"]} == {
        c: r["completed"] for c, r in expected.completion(partner).items()
    }
    assert {(r["cohort"], r["survey"], r["respondent"]): r["nps"] for r in body["nps"]} == {
        k: r["nps"] for k, r in expected.nps(partner).items()
    }
    assert {(r["department"], r["job_title"]): r["hires"] for r in body["hires"]} == (
        expected.hires(partner)
    )
    assert {r["skill"]: (r["agreed_goals"], r["signed_off"]) for r in body["skills"]} == (
        expected.skills(partner)
    )
    documented = openapi_document()["components"]["schemas"]["Outcomes"]["required"]
    assert set(body) == set(documented)


def test_one_cohorts_outcomes_and_another_partners_cohort_is_not_found(app, client, program):
    extra = build_outcomes_program(program, seed=5)
    only_b = Cohort(name="2028 Spring", starts_on=date(2028, 2, 1))
    db.session.add(only_b)
    db.session.flush()
    make_apprentice(program, program.partner_b).cohort = only_b
    db.session.commit()
    headers = bearer_for(program.partner_a_user)
    autumn = extra["autumn"]
    body = client.get(f"/api/v1/cohorts/{autumn.id}/outcomes", headers=headers).get_json()
    assert [r["cohort"] for r in body["completion"]] == ["2027 Autumn"]
    wanted = expected.completion(program.partner_a.id)["2027 Autumn"]
    assert body["completion"][0]["mentorships"] == wanted["mentorships"]
    refused = client.get(f"/api/v1/cohorts/{only_b.id}/outcomes", headers=headers)
    assert refused.status_code == 404 and "error" in refused.get_json()
    assert client.get("/api/v1/outcomes").status_code == 401
