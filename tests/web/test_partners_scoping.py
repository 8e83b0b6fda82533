"""Partner scoping: a partner sees its own apprentices and nothing else, on every surface."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from, sign_in
from tests.web.api_tokens import bearer_for
from tests.web.partner_scenario import build_scenario
from web.extensions import db
from web.models import ApiToken, AuditEvent


@pytest.fixture
def scenario(program):
    return build_scenario(program)


@pytest.fixture
def partner_a(client, program, scenario):
    sign_in(client, program.partner_a_user)
    return client


def b_urls(scenario) -> list[str]:
    cohort_id = scenario.b_only_cohort.id
    return [
        f"/partner/cohorts/{cohort_id}",
        f"/partner/cohorts/{cohort_id}/apprentices.csv",
        f"/partner/cohorts/{cohort_id}?status=registered",
        f"/partner/apprentices/{scenario.b_active.id}",
        f"/partner/apprentices/{scenario.b_only_apprentice.id}",
    ]


def test_partner_a_gets_404_for_everything_of_partner_b(partner_a, scenario):
    for url in b_urls(scenario):
        response = partner_a.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.get_data(as_text=True)


def test_partner_b_can_open_the_same_pages(client, program, scenario):
    sign_in(client, program.partner_b_user)
    for url in b_urls(scenario):
        assert client.get(url).status_code == 200, url


def test_partner_a_cannot_revoke_partner_bs_token(partner_a, program, scenario):
    bearer_for(program.partner_b_user, "B's reporting")
    token = db.session.scalar(select(ApiToken))
    csrf = csrf_token_from(partner_a.get("/partner/tokens").get_data(as_text=True))
    response = partner_a.post(f"/partner/tokens/{token.id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None
    revoked = select(AuditEvent).where(AuditEvent.action == "api_token.revoked")
    assert db.session.scalar(revoked) is None
    assert "B's reporting" not in partner_a.get("/partner/tokens").get_data(as_text=True)


def test_shared_cohort_lists_never_show_partner_b(partner_a, program, scenario):
    b_name, b_email = scenario.b_active.user.name, scenario.b_active.user.email
    dashboard = partner_a.get("/partner/").get_data(as_text=True)
    page = partner_a.get(f"/partner/cohorts/{program.cohort.id}").get_data(as_text=True)
    csv = partner_a.get(f"/partner/cohorts/{program.cohort.id}/apprentices.csv")
    for text in (dashboard, page, csv.get_data(as_text=True)):
        assert b_name not in text and b_email not in text
        assert scenario.b_mentor.user.name not in text
        assert scenario.b_only_cohort.name not in text
    assert f"\n{scenario.b_active.id}," not in csv.get_data(as_text=True)


def test_partner_b_dashboard_counts_only_its_own(client, program, scenario):
    sign_in(client, program.partner_b_user)
    page = client.get("/partner/").get_data(as_text=True)
    assert "1 apprentice registered" in page  # in the shared cohort, and in its own
    assert scenario.registered.user.name not in page
    assert scenario.active_low.user.name not in page


def api_get(client, headers, path):
    return client.get(f"/api/v1{path}", headers=headers)


def test_api_answers_404_for_partner_bs_records(client, program, scenario):
    headers = bearer_for(program.partner_a_user)
    for path in (
        f"/cohorts/{scenario.b_only_cohort.id}",
        f"/cohorts/{scenario.b_only_cohort.id}/apprentices",
        f"/cohorts/{scenario.b_only_cohort.id}/apprentices?status=registered&page=1",
        f"/apprentices/{scenario.b_active.id}",
        f"/apprentices/{scenario.b_only_apprentice.id}",
    ):
        response = api_get(client, headers, path)
        assert response.status_code == 404, path
        assert response.is_json and "error" in response.json


def test_api_lists_never_contain_partner_bs_apprentices(client, program, scenario):
    headers = bearer_for(program.partner_a_user)
    cohorts = api_get(client, headers, "/cohorts").json["cohorts"]
    assert [c["id"] for c in cohorts] == [program.cohort.id]
    listing = api_get(client, headers, f"/cohorts/{program.cohort.id}/apprentices?per_page=200")
    ids = {a["id"] for a in listing.json["apprentices"]}
    assert scenario.b_active.id not in ids and scenario.b_only_apprentice.id not in ids
    assert scenario.b_mentor.user.email not in listing.get_data(as_text=True)
    active = api_get(client, headers, f"/cohorts/{program.cohort.id}/apprentices?status=active")
    assert scenario.b_active.id not in {a["id"] for a in active.json["apprentices"]}


def test_each_token_sees_its_own_partner(client, program, scenario):
    a_headers = bearer_for(program.partner_a_user)
    b_headers = bearer_for(program.partner_b_user)
    a_total = api_get(client, a_headers, f"/cohorts/{program.cohort.id}/apprentices").json
    b_total = api_get(client, b_headers, f"/cohorts/{program.cohort.id}/apprentices").json
    assert (a_total["total"], b_total["total"]) == (5, 1)
    assert b_total["apprentices"][0]["id"] == scenario.b_active.id
    b_cohorts = {c["id"] for c in api_get(client, b_headers, "/cohorts").json["cohorts"]}
    assert b_cohorts == {program.cohort.id, scenario.b_only_cohort.id}
