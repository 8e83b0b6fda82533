"""Hand-typed addresses and text that PostgreSQL cannot take: 404s and 400s, never a 500."""

from __future__ import annotations

import io

import pytest

from tests.conftest import build_program, csrf_token_from, sign_in, submit
from tests.web.test_apprentices_registration import apprentice_form
from web.models.base import LARGEST_ID

TOO_BIG = 99999999999  # past PostgreSQL's 32-bit integer ids
NUL_SAYS = "NUL character"


def test_the_largest_id_is_the_one_place_that_says_32_bits():
    from web.partners.services import LARGEST_ID as partner_limit

    assert LARGEST_ID == partner_limit == 2**31 - 1


@pytest.mark.parametrize(
    "url",
    [
        f"/coordinator/rounds/{TOO_BIG}",
        f"/coordinator/rounds/{TOO_BIG}/progress.json",
        f"/coordinator/rounds/1/compare/{TOO_BIG}",
        f"/coordinator/cohorts/{TOO_BIG}",
        f"/coordinator/imports/{TOO_BIG}",
        f"/coordinator/mentorships/{TOO_BIG}/end",
        f"/coordinator/rounds/{LARGEST_ID + 1}",
        "/coordinator/rounds/0",
    ],
)
def test_ids_no_row_can_have_are_not_found(world, url):
    client, _, _ = world
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        f"/coordinator/matches/{TOO_BIG}/approve",
        f"/coordinator/matches/{TOO_BIG}/reject",
        f"/coordinator/rounds/{TOO_BIG}/retry",
        f"/coordinator/mentorships/{TOO_BIG}/end",
    ],
)
def test_posts_to_ids_no_row_can_have_are_not_found(world, url):
    client, program, _ = world
    token = csrf_token_from(client.get(f"/coordinator/cohorts/{program.cohort.id}").text)
    assert client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 404


def test_the_largest_id_itself_is_a_plain_not_found(world):
    client, _, _ = world
    assert client.get(f"/coordinator/rounds/{LARGEST_ID}").status_code == 404


def test_existing_ids_still_open(world):
    client, program, mentorship = world
    assert client.get(f"/coordinator/cohorts/{program.cohort.id}").status_code == 200
    assert client.get(f"/coordinator/mentorships/{mentorship.id}/end").status_code == 200


@pytest.mark.parametrize("cohort", [str(TOO_BIG), "abc", "-3"])
def test_mentorship_filter_with_a_cohort_no_list_has_says_so(world, cohort):
    client, _, mentorship = world
    response = client.get("/coordinator/mentorships", query_string={"cohort": cohort})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose a cohort from the list." in page
    assert "could not coerce" not in page
    assert mentorship.apprentice.display_name in page, "the list shows every cohort instead"


def test_mentorship_filter_by_a_real_cohort_still_works(world):
    client, program, mentorship = world
    page = client.get("/coordinator/mentorships", query_string={"cohort": program.cohort.id})
    assert page.status_code == 200 and "Choose a cohort" not in page.text
    assert mentorship.apprentice.display_name in page.text


@pytest.mark.parametrize("who", [str(TOO_BIG), "abc", "²", "%", "_"])
def test_audit_filter_by_text_nobody_has_finds_nothing(world, who):
    client, _, _ = world
    for url in ("/coordinator/audit", "/coordinator/audit.csv"):
        response = client.get(url, query_string={"who": who})
        assert response.status_code == 200
    assert "0 events match the filters" in client.get(f"/coordinator/audit?who={who}").text


def test_audit_filter_by_a_real_person_still_works(world):
    client, program, _ = world
    submit(client, "/coordinator/cohorts/new", {"name": "Audited cohort"})
    response = client.get("/coordinator/audit", query_string={"who": program.coordinator.email})
    assert response.status_code == 200 and "cohort.created" in response.text


@pytest.mark.parametrize("url", ["/coordinator/audit", "/coordinator/audit.csv"])
@pytest.mark.parametrize("date_to", ["9999-12-31", "9999-12-30"])
def test_audit_up_to_the_last_day_of_the_calendar(world, url, date_to):
    client, program, _ = world
    submit(client, "/coordinator/cohorts/new", {"name": "Audited cohort"})
    response = client.get(url, query_string={"date_from": "0001-01-01", "date_to": date_to})
    assert response.status_code == 200
    assert "Audited cohort" in response.text


def test_import_with_a_typed_cohort_says_choose_one(world):
    client, _, _ = world
    token = csrf_token_from(client.get("/coordinator/import").text)
    for cohort in ("abc", str(TOO_BIG)):
        response = client.post(
            "/coordinator/import",
            data={
                "csrf_token": token,
                "kind": "apprentices",
                "cohort": cohort,
                "upload": (io.BytesIO(b"id,name\n"), "people.csv"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert "Choose a cohort from the list." in response.text
        assert "Choose the cohort the apprentices join." not in response.text, "said once"
        assert "could not coerce" not in response.text


def test_import_without_a_cohort_still_asks_for_one(world):
    client, _, _ = world
    token = csrf_token_from(client.get("/coordinator/import").text)
    response = client.post(
        "/coordinator/import",
        data={
            "csrf_token": token,
            "kind": "apprentices",
            "cohort": "0",
            "upload": (io.BytesIO(b"id,name\n"), "people.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Choose the cohort the apprentices join." in response.text


def test_api_ids_no_row_can_have_are_json_not_found(world):
    client, _, _ = world
    response = client.get(f"/api/v1/apprentices/{TOO_BIG}")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]


# NUL characters ---------------------------------------------------------------------------


def assert_refused(response) -> None:
    assert response.status_code == 400
    assert NUL_SAYS in response.get_data(as_text=True)


def test_nul_in_a_cohort_name_is_refused_and_nothing_saved(world):
    client, _, _ = world
    response = submit(client, "/coordinator/cohorts/new", {"name": "Spring\x00 2028"})
    assert_refused(response)
    assert "2028" not in client.get("/coordinator/").text


def test_nul_in_apprentice_registration_is_refused(any_app):
    program = build_program()
    client = any_app.test_client()
    form = apprentice_form(program, goals="Learn\x00 Python")
    assert_refused(submit(client, "/apprentice/register", form))
    form = apprentice_form(program, name="Maya\x00")
    assert_refused(submit(client, "/apprentice/register", form))


def test_nul_in_a_token_name_is_refused(any_app):
    program = build_program()
    client = any_app.test_client()
    sign_in(client, program.partner_a_user)
    assert_refused(submit(client, "/partner/tokens", {"name": "laptop\x00"}))


@pytest.mark.parametrize(
    "url", ["/coordinator/audit?action=%00", "/coordinator/audit?%00=1", "/coordinator/%00"]
)
def test_nul_in_an_address_is_refused(world, url):
    client, _, _ = world
    assert_refused(client.get(url))


def test_nul_in_an_api_query_is_a_json_error(world):
    client, _, _ = world
    response = client.get("/api/v1/cohorts?page=%00")
    assert response.status_code == 400
    assert response.is_json and NUL_SAYS in response.get_json()["error"]


def test_text_without_nul_is_saved(world):
    client, _, _ = world
    response = submit(client, "/coordinator/cohorts/new", {"name": "Spring 2028 — évening"})
    assert response.status_code == 200
    assert "Spring 2028 — évening" in response.text
