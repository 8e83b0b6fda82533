"""The partner API: bearer tokens, JSON answers, pagination and errors that are JSON too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.web.api_tokens import bearer_for
from tests.web.partner_scenario import build_scenario, last_month
from web.extensions import db
from web.models import ApiToken
from web.models.base import utcnow


@pytest.fixture
def scenario(program):
    return build_scenario(program)


@pytest.fixture
def auth(program, scenario):
    return bearer_for(program.partner_a_user)


def test_missing_token_is_401_json_with_challenge(client, program):
    response = client.get("/api/v1/cohorts")
    assert response.status_code == 401
    assert response.is_json and "Authorization: Bearer" in response.json["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer pw_not-a-real-token", "Basic YTpi", "Bearer", "bearer   ", "pw_x"]
)
def test_unknown_or_malformed_token_is_401(client, program, header):
    response = client.get("/api/v1/cohorts", headers={"Authorization": header})
    assert response.status_code == 401
    assert "not valid" in response.json["error"]
    assert "WWW-Authenticate" in response.headers


def test_revoked_token_is_401(client, program, auth):
    token = db.session.scalar(select(ApiToken))
    token.revoked_at = utcnow()
    db.session.commit()
    response = client.get("/api/v1/cohorts", headers=auth)
    assert response.status_code == 401
    assert response.json == {"error": "This API token is not valid or has been revoked."}


def test_using_a_token_records_when(client, program, auth):
    assert db.session.scalar(select(ApiToken.last_used_at)) is None
    assert client.get("/api/v1/cohorts", headers=auth).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_a_refused_request_still_records_the_token_use(client, program, auth):
    assert client.get("/api/v1/cohorts/424242", headers=auth).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_scheme_is_case_insensitive(client, program, auth):
    header = {"Authorization": auth["Authorization"].replace("Bearer", "bearer")}
    assert client.get("/api/v1/cohorts", headers=header).status_code == 200


def test_cohorts_lists_the_partners_cohorts_with_counts(client, program, scenario, auth):
    response = client.get("/api/v1/cohorts", headers=auth)
    assert response.status_code == 200
    assert response.json == {
        "cohorts": [
            {
                "id": program.cohort.id,
                "name": "2027 Spring",
                "starts_on": "2027-02-01",
                "ends_on": "2027-12-01",
                "counts": {"registered": 4, "matched": 3, "approved": 2, "active": 2},
            }
        ]
    }


def test_cohort_summary(client, program, scenario, auth):
    body = client.get(f"/api/v1/cohorts/{program.cohort.id}", headers=auth).json
    assert body["counts"] == {"registered": 4, "matched": 3, "approved": 2, "active": 2}
    assert body["match_rate"] == 0.75
    assert body["pathways"][0] == {
        "key": "software_development",
        "label": "Software development",
        "count": 2,
    }
    assert {p["key"] for p in body["pathways"]} == {
        "software_development",
        "data_analytics",
        "cybersecurity",
    }
    assert body["check_ins"] == {"month": last_month(), "healthy": 0, "low": 1, "missing": 1}


def test_apprentices_list_with_published_mentors_only(client, program, scenario, auth):
    body = client.get(f"/api/v1/cohorts/{program.cohort.id}/apprentices", headers=auth).json
    assert body["total"] == 5 and body["page"] == 1 and body["per_page"] == 50
    by_id = {a["id"]: a for a in body["apprentices"]}
    assert by_id[scenario.proposed.id]["mentor"] is None
    assert by_id[scenario.proposed.id]["status"] == "proposed"
    mentor = by_id[scenario.active_low.id]["mentor"]
    assert mentor["name"] == scenario.mentor.user.name
    assert mentor["department"] == "Department of Finance"
    assert mentor["mentorship_status"] == "active"
    withdrawn = by_id[scenario.withdrawn.id]
    assert withdrawn["withdrawn"] is True
    assert withdrawn["name"] is None and withdrawn["email"] is None and withdrawn["pathways"] == []


def test_apprentices_pagination(client, program, scenario, auth):
    url = f"/api/v1/cohorts/{program.cohort.id}/apprentices"
    first = client.get(url + "?per_page=2", headers=auth).json
    third = client.get(url + "?per_page=2&page=3", headers=auth).json
    beyond = client.get(url + "?per_page=2&page=9", headers=auth).json
    assert first["pages"] == 3 and len(first["apprentices"]) == 2
    assert len(third["apprentices"]) == 1
    assert beyond["apprentices"] == [] and beyond["total"] == 5
    everyone = client.get(url + "?per_page=200", headers=auth).json["apprentices"]
    pages = (
        first["apprentices"]
        + client.get(url + "?per_page=2&page=2", headers=auth).json["apprentices"]
    )
    assert [a["id"] for a in pages + third["apprentices"]] == [a["id"] for a in everyone]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=", "page"),
        ("page=%EF%BC%93", "page"),  # a full-width digit is not a number here
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("per_page=99999999999999999999", "per_page"),
        ("status=sleeping", "status"),
        ("status=", "status"),
    ],
)
def test_bad_query_parameters_are_400_json(client, program, scenario, auth, query, parameter):
    url = f"/api/v1/cohorts/{program.cohort.id}/apprentices?{query}"
    response = client.get(url, headers=auth)
    assert response.status_code == 400
    assert response.json["parameter"] == parameter
    assert f"'{parameter}' must be" in response.json["error"]


def test_status_filter(client, program, scenario, auth):
    url = f"/api/v1/cohorts/{program.cohort.id}/apprentices?status=active"
    body = client.get(url, headers=auth).json
    assert {a["id"] for a in body["apprentices"]} == {
        scenario.active_low.id,
        scenario.active_missing.id,
    }


def test_apprentice_detail(client, program, scenario, auth):
    body = client.get(f"/api/v1/apprentices/{scenario.active_low.id}", headers=auth).json
    assert body["cohort"] == {"id": program.cohort.id, "name": "2027 Spring"}
    assert {s["key"] for s in body["skills_wanted"]} == {"python", "sql"}
    assert body["check_ins"]["last_month_state"] == "low"
    assert body["check_ins"]["months"] == [
        {"month": last_month(), "apprentice_rating": 2, "mentor_rating": 4}
    ]
    withdrawn = client.get(f"/api/v1/apprentices/{scenario.withdrawn.id}", headers=auth).json
    assert withdrawn["name"] is None and withdrawn["skills_wanted"] == []


@pytest.mark.parametrize(
    "path", ["/api/v1/cohorts/424242", "/api/v1/apprentices/424242", "/api/v1/cohorts/2147483648"]
)
def test_unknown_records_are_404_json(client, program, auth, path):
    response = client.get(path, headers=auth)
    assert response.status_code == 404
    assert response.is_json and response.json["error"]


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing", "/api/v1", "/api/v1/cohorts/abc", "/api/v1/cohorts/"]
)
def test_unknown_paths_are_404_json_not_html(client, program, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.is_json and "nothing at this address" in response.json["error"]


def test_wrong_method_is_405_json(client, program, auth):
    response = client.post("/api/v1/cohorts", headers=auth)
    assert response.status_code == 405
    assert response.is_json and response.json["error"]
    assert "GET" in response.headers["Allow"]
    assert client.delete(f"/api/v1/cohorts/{program.cohort.id}").status_code == 405


def test_pages_outside_the_api_keep_html_errors(client, program):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_api_needs_no_csrf_token_and_sets_no_cookie(client, program, auth):
    response = client.get("/api/v1/cohorts", headers=auth)
    assert "Set-Cookie" not in response.headers


def test_openapi_document_is_public(client, app):
    body = client.get("/api/v1/openapi.json").json
    assert body["openapi"] == "3.0.3"
    assert body["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    per_page = body["components"]["parameters"]["per_page"]["schema"]
    assert (per_page["minimum"], per_page["maximum"]) == (1, 200)
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and rule.endpoint not in ("api.openapi", "api.reference")
    }
    assert routes == set(body["paths"])
