"""What program administration refuses, on SQLite and PostgreSQL: each refusal clear and audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import build_program, make_user, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair, round_form
from tests.web import setup_helpers
from tests.web.api_tokens import bearer_for
from web.access import READ_ONLY_MESSAGE
from web.extensions import db
from web.models import (
    AuditEvent,
    Cohort,
    CoordinatorRole,
    MatchStatus,
    MentorVetting,
    ProposedMatch,
    Role,
    User,
)
from web.services import accounts, rounds

pg_app, empty_program = setup_helpers.pg_app, setup_helpers.empty_program  # the fixtures
ANY_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
WRITE_PAGES = ["/coordinator/cohorts/new", "/coordinator/import", "/coordinator/admin/"]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request):
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "postgresql":
        return request.getfixturevalue("empty_program")
    app = request.getfixturevalue("app")
    app.before_request(setup_helpers.forget_the_last_browser)
    return app


@pytest.fixture
def program(any_app):
    return build_program()


def signed_in(app, user: User):
    browser = app.test_client()
    sign_in(browser, user)
    return browser


def refusals() -> int:
    query = select(func.count()).where(AuditEvent.action == "access.refused")
    return db.session.scalar(query)


def post_routes(app) -> list[str]:
    """Every address of the coordinator and admin pages that takes a POST, with id 1."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("coordinator", "admin") and "POST" in rule.methods:
            urls.append(rule.build({name: 1 for name in rule.arguments})[1])
    return urls


def test_a_reviewer_is_refused_every_write_with_a_reason_and_an_audit_entry(any_app, program):
    reviewer = make_user(
        Role.COORDINATOR, "rey@city.example.gov", "Rey Reviewer", coordinator_role="reviewer"
    )
    make_round(program.cohort, [(make_apprentice(program), make_mentor(), MatchStatus.PROPOSED)])
    db.session.commit()
    browser = signed_in(any_app, reviewer)
    token = ANY_TOKEN.search(browser.get("/coordinator/").get_data(as_text=True)).group(1)
    urls = post_routes(any_app)
    assert len(urls) >= 25  # every write of both blueprints

    for url in urls:
        response = browser.post(url, data={"csrf_token": token, "reason": "x", "name": "x"})
        assert response.status_code == 403, url
        assert READ_ONLY_MESSAGE in response.get_data(as_text=True), url
    for url in WRITE_PAGES:
        assert browser.get(url).status_code == 403, url

    assert refusals() == len(urls) + len(WRITE_PAGES)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.refused"))
    assert event.actor_id == reviewer.id and event.details["method"] == "POST"
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 1
    assert db.session.scalar(select(ProposedMatch.status)) == MatchStatus.PROPOSED


def test_a_reviewer_reads_rounds_and_reports_without_write_buttons(any_app, program):
    reviewer = make_user(
        Role.COORDINATOR, "rey@city.example.gov", "Rey Reviewer", coordinator_role="reviewer"
    )
    mentor = make_mentor()
    match_round = make_round(
        program.cohort, [(make_apprentice(program), mentor, MatchStatus.APPROVED)]
    )
    db.session.commit()
    browser = signed_in(any_app, reviewer)
    pages = {
        "/coordinator/": ["Create a cohort", "Import people", "Administration"],
        f"/coordinator/cohorts/{program.cohort.id}": ["Start the round", "Edit the cohort"],
        f"/coordinator/rounds/{match_round.id}": [
            "Publish approved",
            "Re-run",
            "data-reject",
            "data-approve",
            "Lock<",
        ],
        f"/coordinator/mentors/{mentor.id}": ["Confirm the background check"],
    }
    for url, hidden in pages.items():
        response = browser.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        for text in hidden:
            assert text not in page, (url, text)
    assert "reviewer account reads" in browser.get(
        f"/coordinator/rounds/{match_round.id}"
    ).get_data(as_text=True)
    assert refusals() == 0


def test_an_archived_cohort_is_read_only_and_stays_in_reports(any_app, program):
    apprentice = make_apprentice(program)
    match = make_round(program.cohort, [(apprentice, make_mentor(), MatchStatus.APPROVED)])
    mentorship = publish_pair(match.matches[0])
    db.session.commit()
    admin = signed_in(any_app, program.coordinator)
    cohort_url = f"/coordinator/cohorts/{program.cohort.id}"
    archive_url = f"/coordinator/admin/cohorts/{program.cohort.id}/archive"

    page = submit(admin, archive_url, {}, form_url=cohort_url).get_data(as_text=True)
    assert "1 mentorship of this cohort still run" in page
    mentorship.status = "ended"
    db.session.commit()
    page = submit(admin, archive_url, {}, form_url=cohort_url).get_data(as_text=True)
    assert "is archived. It stays in reports" in page

    edit = submit(
        admin,
        f"/coordinator/admin/cohorts/{program.cohort.id}/edit",
        {"name": "Renamed", "starts_on": "2027-02-01", "ends_on": "2027-12-01"},
    )
    assert "archived and read-only, so nothing was changed" in edit.get_data(as_text=True)
    token = ANY_TOKEN.search(admin.get(cohort_url).get_data(as_text=True)).group(1)
    for url, data in (
        (f"{cohort_url}/rounds", round_form()),
        (f"/coordinator/admin/cohorts/{program.cohort.id}/registration", {"open": "1"}),
    ):
        page = admin.post(url, data={"csrf_token": token, **data}, follow_redirects=True)
        assert "is archived and read-only" in page.get_data(as_text=True), url

    db.session.refresh(program.cohort)
    assert program.cohort.name == "2027 Spring" and not program.cohort.registration_open
    assert program.cohort.rounds == [match]
    attempts = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "cohort.change_refused")
    ).all()
    assert {a["attempted"] for a in attempts} == {"edit", "start a round", "open registration"}
    dashboard = admin.get("/coordinator/").get_data(as_text=True)
    assert "2027 Spring" in dashboard and "Archived" in dashboard
    assert "Start the round" not in admin.get(cohort_url).get_data(as_text=True)
    partner_view = signed_in(any_app, program.partner_a_user).get("/partner/")
    assert "2027 Spring" in partner_view.get_data(as_text=True)
    register = any_app.test_client().get("/apprentice/register").get_data(as_text=True)
    assert "Registration is closed for now" in register


def test_deactivation_ends_sessions_and_tokens_but_never_ones_own(any_app, program):
    contact = program.partner_a_user
    headers = bearer_for(contact)
    partner_browser = signed_in(any_app, contact)
    assert partner_browser.get("/partner/").status_code == 200
    admin = signed_in(any_app, program.coordinator)

    own = f"/coordinator/admin/accounts/{program.coordinator.id}"
    page = submit(admin, own, {"reason": "testing"}, form_url="/coordinator/admin/coordinators")
    assert "cannot deactivate your own account" in page.get_data(as_text=True)
    coordinators = "/coordinator/admin/coordinators"
    role_url = f"{coordinators}/{program.coordinator.id}/role"
    page = submit(admin, role_url, {"coordinator_role": "reviewer"}, form_url=coordinators)
    assert "cannot change your own role" in page.get_data(as_text=True)

    url = f"/coordinator/admin/accounts/{contact.id}"
    page = submit(admin, url, {"reason": "Left the college"}).get_data(as_text=True)
    assert "account is deactivated: they are signed out. 1 API token revoked." in page

    assert partner_browser.get("/partner/").status_code == 302  # back to the sign-in page
    assert any_app.test_client().get("/api/v1/cohorts", headers=headers).status_code == 401
    db.session.refresh(program.coordinator)
    assert program.coordinator.active
    assert program.coordinator.coordinator_role == CoordinatorRole.ADMIN
    refused = (
        select(AuditEvent.details)
        .where(AuditEvent.action == "account.change_refused")
        .order_by(AuditEvent.id)
    )
    assert [d["attempted"] for d in db.session.scalars(refused)] == [
        "deactivate own account",
        "change own role",
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.deactivated"))
    assert event.subject_id == contact.id and event.actor_id == program.coordinator.id
    assert event.reason == "Left the college" and event.details["tokens_revoked"] == 1

    submit(admin, f"{url}/reactivate", {}, form_url=url)
    assert signed_in(any_app, contact).get("/partner/").status_code == 200


def test_the_program_admins_are_the_active_admin_coordinators(any_app, program):
    make_user(Role.COORDINATOR, "rey@city.example.gov", "Rey", coordinator_role="reviewer")
    gone = make_user(Role.COORDINATOR, "old@city.example.gov", "Old Admin")
    gone.active = False
    second = make_user(Role.COORDINATOR, "ada@city.example.gov", "Ada Admin")
    db.session.commit()

    assert accounts.program_admins() == [second, program.coordinator]


def test_a_second_create_coordinator_for_a_known_email_changes_nothing(any_app, program):
    runner = any_app.test_cli_runner()
    result = runner.invoke(
        args=["create-coordinator", program.partner_a_user.email.upper(), "--name", "Imposter"]
    )
    assert result.exit_code == 1
    assert f"An account with {program.partner_a_user.email} already exists (partner)" in (
        result.output
    )
    db.session.refresh(program.partner_a_user)
    assert program.partner_a_user.role == Role.PARTNER
    assert program.partner_a_user.coordinator_role is None
    assert db.session.scalar(select(func.count()).select_from(User)) == 3
    bad = runner.invoke(args=["create-coordinator", "not-an-address", "--name", "X"])
    assert bad.exit_code == 1 and "is not an email address" in bad.output


def pairs_of_next_round(program) -> set[tuple[int, int]]:
    """Start and run a round (in-process), and return its (apprentice, mentor) pairs."""
    match_round = rounds.start_round(program.cohort, {}, program.coordinator)
    db.session.commit()
    db.session.refresh(match_round)
    return {(m.apprentice_id, m.mentor_id) for m in match_round.matches}


def test_pending_refused_and_unverified_people_are_never_offered_to_the_matcher(any_app, program):
    apprentice = make_apprentice(program)
    unverified = make_apprentice(program)
    unverified.user.email_verified = False
    pending, refused, not_verified, closed = (make_mentor() for _ in range(4))
    pending.vetting, refused.vetting = MentorVetting.PENDING, MentorVetting.REFUSED
    not_verified.user.email_verified = False
    closed.user.active = False
    db.session.commit()

    assert pairs_of_next_round(program) == set()

    pending.vetting = MentorVetting.APPROVED
    db.session.commit()
    pairs = pairs_of_next_round(program)
    assert pairs == {(apprentice.id, pending.id)}  # the unverified apprentice waits too
