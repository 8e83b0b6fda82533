"""Partner pages: dashboard, cohort list, CSV export and one apprentice's detail."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, make_user, sign_in, submit
from tests.factories import make_apprentice
from tests.web.partner_scenario import build_scenario, check_in, last_month
from web.extensions import db
from web.models import Mentorship, Role
from web.models.base import utcnow
from web.partners.reports import previous_month


@pytest.fixture
def scenario(program):
    return build_scenario(program)


@pytest.fixture
def partner_a(client, program, scenario):
    sign_in(client, program.partner_a_user)
    return client


def text_of(response) -> str:
    return response.get_data(as_text=True)


def sign_in_only(client, user) -> None:
    """Sign in without opening the landing page, which other audiences' helpers own."""
    response = submit(client, "/login", {"email": user.email, "password": PASSWORD}, follow=False)
    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.APPRENTICE, Role.MENTOR])
def test_only_partner_contacts_open_partner_pages(client, program, role):
    sign_in_only(client, make_user(role, f"{role}@example.org"))
    for url in ("/partner/", f"/partner/cohorts/{program.cohort.id}", "/partner/tokens"):
        assert client.get(url).status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client, program):
    response = client.get("/partner/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_partner_account_without_institution_sees_nothing(client, program):
    sign_in_only(client, make_user(Role.PARTNER, "orphan@example.org"))
    assert client.get("/partner/").status_code == 403


def test_dashboard_shows_funnel_match_rate_pathways_and_check_ins(partner_a, program, scenario):
    page = text_of(partner_a.get("/partner/"))
    assert program.cohort.name in page
    assert "2027 Fall" not in page  # partner B's cohort only
    # Registered 4 (withdrawn excluded), matched 3, approved 2, active 2.
    assert "4 apprentices registered" in page
    assert "Match rate: <strong>75%</strong>" in page
    for label, count in (("Registered", 4), ("Matched", 3), ("Approved", 2), ("Active", 2)):
        assert (
            f'<th scope="row">{label}</th>\n          <td class="pathways-score">{count}</td>'
            in page
        )
    assert "Software development" in page and "Cybersecurity" in page
    assert "Maps and GIS" not in page  # partner B's apprentice chose it
    month_name = datetime.strptime(last_month(), "%Y-%m").strftime("%B %Y")
    assert f"Check-ins for {month_name}" in page  # the month in words, not 2026-10
    assert "0 going well, 1 rated low (2 or less), 1 without a check-in" in page
    assert f"{scenario.active_low.user.name}</a>: rated low" in page
    assert f"{scenario.active_missing.user.name}</a>: no check-in" in page
    assert f'href="/partner/cohorts/{program.cohort.id}"' in page
    assert '<script src="http' not in page


def test_good_check_ins_count_as_going_well(partner_a, scenario):
    mentorship = db.session.scalars(
        select(Mentorship).where(Mentorship.apprentice_id == scenario.active_missing.id)
    )
    check_in(mentorship.one(), "apprentice", last_month(), 5)
    db.session.commit()
    page = text_of(partner_a.get("/partner/"))
    assert "1 going well, 1 rated low (2 or less), 0 without a check-in" in page


def test_dashboard_without_apprentices_says_so(client, program):
    sign_in(client, program.partner_a_user)
    page = text_of(client.get("/partner/"))
    assert "None of your students has registered for a cohort yet" in page


def test_cohort_page_lists_own_apprentices_and_published_mentors_only(partner_a, program, scenario):
    response = partner_a.get(f"/partner/cohorts/{program.cohort.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert page.count("<h1>") == 1
    for apprentice in (scenario.registered, scenario.proposed, scenario.active_low):
        assert apprentice.user.name in page
    assert scenario.b_active.user.name not in page
    assert "Chicago Public Library" not in page  # B's mentor
    assert "Department of Finance" in page  # published pairs show the mentor
    assert page.count(scenario.mentor.user.name) == 2  # not for the mere proposal
    assert f"Withdrawn apprentice #{scenario.withdrawn.id}" in page
    assert scenario.withdrawn.user.name not in page


def test_cohort_page_filters_by_status(partner_a, program, scenario):
    page = text_of(partner_a.get(f"/partner/cohorts/{program.cohort.id}?status=proposed"))
    assert scenario.proposed.user.name in page
    assert scenario.registered.user.name not in page
    assert scenario.active_low.user.name not in page
    assert "Proposed for a mentor (1)" in page


def test_cohort_page_explains_an_unknown_status(partner_a, program, scenario):
    response = partner_a.get(f"/partner/cohorts/{program.cohort.id}?status=sleeping")
    assert response.status_code == 200
    page = text_of(response)
    assert "Choose one of the statuses in the list." in page
    assert scenario.registered.user.name in page  # the whole list, unfiltered


def test_unknown_cohort_is_404(partner_a):
    assert partner_a.get("/partner/cohorts/999999").status_code == 404
    assert partner_a.get("/partner/cohorts/99999999999999999999").status_code == 404


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text_of(response))))


def test_csv_lists_own_apprentices_with_published_mentors(partner_a, program, scenario):
    response = partner_a.get(f"/partner/cohorts/{program.cohort.id}/apprentices.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {int(r["apprentice_id"]): r for r in read_csv(response)}
    assert list(next(iter(rows.values()))) == [
        "apprentice_id", "name", "email", "status", "pathways",
        "mentor_name", "mentor_department", "mentor_email",
    ]  # fmt: skip
    assert set(rows) == {
        scenario.registered.id, scenario.proposed.id, scenario.active_low.id,
        scenario.active_missing.id, scenario.withdrawn.id,
    }  # fmt: skip
    low = rows[scenario.active_low.id]
    assert low["mentor_name"] == scenario.mentor.user.name
    assert low["mentor_department"] == "Department of Finance"
    assert low["mentor_email"] == scenario.mentor.user.email
    assert low["email"] == scenario.active_low.user.email
    assert rows[scenario.proposed.id]["mentor_name"] == ""
    assert rows[scenario.proposed.id]["pathways"] == "cybersecurity"


def test_csv_withdrawn_apprentice_has_no_personal_data(partner_a, program, scenario):
    rows = read_csv(partner_a.get(f"/partner/cohorts/{program.cohort.id}/apprentices.csv"))
    withdrawn = next(r for r in rows if int(r["apprentice_id"]) == scenario.withdrawn.id)
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["email"] == "" and withdrawn["pathways"] == ""
    assert withdrawn["name"] == f"Withdrawn apprentice #{scenario.withdrawn.id}"
    raw = text_of(partner_a.get(f"/partner/cohorts/{program.cohort.id}/apprentices.csv"))
    assert scenario.withdrawn.user.email not in raw


def test_csv_follows_status_filter_and_refuses_unknown_status(partner_a, program, scenario):
    url = f"/partner/cohorts/{program.cohort.id}/apprentices.csv"
    rows = read_csv(partner_a.get(url + "?status=active"))
    assert {int(r["apprentice_id"]) for r in rows} == {
        scenario.active_low.id,
        scenario.active_missing.id,
    }
    response = partner_a.get(url + "?status=nope")
    assert response.status_code == 400
    assert "Choose one of the statuses" in text_of(response)


def test_csv_neutralizes_spreadsheet_formulas(partner_a, program, scenario):
    scenario.registered.user.name = '=HYPERLINK("http://evil")'
    db.session.commit()
    rows = read_csv(partner_a.get(f"/partner/cohorts/{program.cohort.id}/apprentices.csv"))
    names = [r["name"] for r in rows]
    assert '\'=HYPERLINK("http://evil")' in names


def test_apprentice_detail_shows_skills_mentor_and_check_ins(partner_a, scenario):
    response = partner_a.get(f"/partner/apprentices/{scenario.active_low.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert scenario.active_low.user.name in page
    assert "Active with a mentor" in page
    assert "SQL and relational databases: working knowledge" in page
    assert scenario.mentor.user.name in page and "Department of Finance" in page
    assert f"The check-in for {last_month()} was rated low" in page
    assert f'<th scope="row">{last_month()}</th><td>2</td><td>4</td>' in page


def test_apprentice_detail_hides_mentor_of_a_mere_proposal(partner_a, scenario):
    page = text_of(partner_a.get(f"/partner/apprentices/{scenario.proposed.id}"))
    assert "No mentor has been published for this apprentice yet." in page
    assert scenario.mentor.user.name not in page


def test_apprentice_detail_flags_a_missing_check_in(partner_a, scenario):
    page = text_of(partner_a.get(f"/partner/apprentices/{scenario.active_missing.id}"))
    assert f"No check-in for {last_month()} yet." in page


def test_withdrawn_apprentice_detail_shows_no_personal_data(partner_a, scenario):
    page = text_of(partner_a.get(f"/partner/apprentices/{scenario.withdrawn.id}"))
    assert "has left the program" in page
    assert scenario.withdrawn.user.name not in page
    assert scenario.withdrawn.user.email not in page


def test_apprentice_without_account_counts_as_withdrawn(partner_a, program):
    apprentice = make_apprentice(program)
    name = apprentice.user.name
    apprentice.user = None
    db.session.commit()
    page = text_of(partner_a.get(f"/partner/apprentices/{apprentice.id}"))
    assert name not in page and f"Withdrawn apprentice #{apprentice.id}" in page


def test_unknown_apprentice_is_404(partner_a):
    assert partner_a.get("/partner/apprentices/424242").status_code == 404


@pytest.mark.parametrize(
    "today, month", [(date(2027, 1, 5), "2026-12"), (date(2027, 3, 31), "2027-02")]
)
def test_check_ins_are_due_for_the_previous_month(today, month):
    assert previous_month(today) == month


def test_mentorship_published_this_month_is_not_yet_due(partner_a, scenario):
    mentorship = db.session.scalars(
        select(Mentorship).where(Mentorship.apprentice_id == scenario.active_missing.id)
    )
    mentorship.one().published_at = utcnow()
    db.session.commit()
    page = text_of(partner_a.get("/partner/"))
    assert "0 going well, 1 rated low (2 or less), 0 without a check-in" in page
