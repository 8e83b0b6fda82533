"""A real program started from nothing on PostgreSQL, without demo data, as its people do it.

First coordinator from the command line → password → partner → contact → colleague →
cohort → registration opened → apprentice and mentor sign-ups → email verification →
vetting → round → approval → publishing.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, select

from tests.conftest import submit
from tests.factories import round_form
from tests.web import setup_helpers
from tests.web.setup_helpers import emails_to, link_in_last_email
from tests.web.test_apprentices_registration import NEW_PASSWORD, apprentice_form
from tests.web.test_mentors_registration import mentor_form
from web.extensions import db
from web.models import (
    AuditEvent,
    Cohort,
    MatchRound,
    MentorProfile,
    Mentorship,
    PartnerInstitution,
    ProposedMatch,
    RoundStatus,
    User,
)

pg_app, empty_program = setup_helpers.pg_app, setup_helpers.empty_program  # the fixtures
several_browsers = setup_helpers.several_browsers
PASSWORD = "a-long-passphrase"
CLI_LINK = re.compile(r"http://localhost(/password/set/\S+)")
SAME_TIMES = {
    "pathways": ["software_development", "data_analytics"],
    "availability": ["0-evening", "2-evening"],
    "mode": "either",
    "region": "south",
    "languages": ["english"],
    "skill_levels-python": "3",
}


def create_coordinator(app, email: str, name: str):
    """Run `flask --app web create-coordinator EMAIL --name NAME`."""
    return app.test_cli_runner().invoke(args=["create-coordinator", email, "--name", name])


def choose_password(browser, path: str):
    """Open a set-password link and choose the password; the browser is then signed in."""
    data = {"password": PASSWORD, "confirm": PASSWORD}
    return submit(browser, path, data)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_a_program_is_set_up_from_nothing_and_publishes_its_first_round(several_browsers):
    new_browser = several_browsers

    # The operator creates the first coordinator; running it again changes nothing.
    result = create_coordinator(current_app, "alex.admin@city.example.gov", "Alex Admin")
    assert result.exit_code == 0, result.output
    assert "Program admin Alex Admin <alex.admin@city.example.gov> created." in result.output
    again = create_coordinator(current_app, "Alex.Admin@city.example.gov", "Someone Else")
    assert again.exit_code == 1
    assert "already exists" in again.output and "nothing was changed" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1

    admin = new_browser()
    landing = choose_password(admin, CLI_LINK.search(result.output).group(1))
    assert "Cohorts and matching rounds" in text_of(landing)
    assert "Administration" in text_of(landing)

    # A partner institution, a contact who accepts, and a colleague the contact invites.
    page = submit(
        admin,
        "/coordinator/admin/partners/new",
        {
            "name": "Lakeshore Community College",
            "kind": "community_college",
            "contact_name": "Pat Partner",
            "contact_email": "pat@lakeshore.example.org",
            "contact_phone": "312 555 0199",
        },
    )
    assert "Lakeshore Community College is added." in text_of(page)
    partner = db.session.scalar(select(PartnerInstitution))
    partner_url = f"/coordinator/admin/partners/{partner.id}"
    page = submit(
        admin,
        f"{partner_url}/contacts",
        {"contact-name": "Pat Partner", "contact-email": "pat@lakeshore.example.org"},
        form_url=partner_url,
    )
    assert "An invitation to choose a password is on its way" in text_of(page)

    contact = new_browser()
    landing = choose_password(
        contact, link_in_last_email("pat@lakeshore.example.org", "/password/set/")
    )
    assert "Our apprentices" in text_of(landing)
    colleague_form = {"name": "Lee Colleague", "email": "lee@lakeshore.example.org"}
    page = submit(contact, "/partner/colleagues", colleague_form)
    assert "on its way to lee@lakeshore.example.org" in text_of(page)
    colleague = new_browser()
    choose_password(colleague, link_in_last_email("lee@lakeshore.example.org", "/password/set/"))
    assert "Pat Partner" in text_of(colleague.get("/partner/colleagues"))

    # A cohort created closed: registration says so until the admin opens it.
    page = submit(
        admin,
        "/coordinator/cohorts/new",
        {"name": "2027 Spring", "starts_on": "2027-02-01", "ends_on": "2027-12-01"},
    )
    cohort = db.session.scalar(select(Cohort))
    assert not cohort.registration_open
    assert "Registration is closed for now" in text_of(new_browser().get("/apprentice/register"))
    cohort_url = f"/coordinator/cohorts/{cohort.id}"
    page = submit(
        admin,
        f"/coordinator/admin/cohorts/{cohort.id}/registration",
        {"open": "1"},
        form_url=cohort_url,
    )
    assert "Registration for 2027 Spring is open" in text_of(page)

    # Sign-ups: an apprentice, a mentor at a city domain, and one at another domain.
    apprentice = new_browser()
    program = SimpleNamespace(partner_a=partner, cohort=cohort)
    signed_up = submit(
        apprentice,
        "/apprentice/register",
        apprentice_form(program, email="maya@students.example.org", **SAME_TIMES),
    )
    assert "Confirm your email address" in text_of(signed_up)
    sign_in_as(apprentice, "maya@students.example.org")
    city_mentor, other_mentor = new_browser(), new_browser()
    for browser, name, email in (
        (city_mentor, "Dana Okafor", "dana@cityofchicago.org"),
        (other_mentor, "Sam Rivera", "sam@volunteers.example.net"),
    ):
        form = mentor_form(name=name, email=email, **SAME_TIMES)
        mentor_page = submit(browser, "/mentor/register", form)
        assert "Confirm your email address" in text_of(mentor_page)
        sign_in_as(browser, email)

    # Nobody counts before verification and vetting: the cohort page says so.
    assert "0 apprentices can be matched" in text_of(admin.get(cohort_url))
    assert "0 mentors accept apprentices" in text_of(admin.get(cohort_url))

    for browser, email in (
        (apprentice, "maya@students.example.org"),
        (city_mentor, "dana@cityofchicago.org"),
        (other_mentor, "sam@volunteers.example.net"),
    ):
        verified = browser.get(link_in_last_email(email, "/email/verify/"), follow_redirects=True)
        assert f"Thank you: {email} is verified." in text_of(verified)
    assert "Your offer is waiting for approval" in text_of(other_mentor.get("/mentor/"))
    assert "waiting for approval" not in text_of(city_mentor.get("/mentor/"))

    # The admin approves the mentor outside the city's domains.
    sam = db.session.scalar(
        select(MentorProfile)
        .join(MentorProfile.user)
        .where(User.email == "sam@volunteers.example.net")
    )
    pending = text_of(admin.get("/coordinator/admin/mentors/pending"))
    assert "Dana" not in pending and "sam@volunteers.example.net" in pending
    page = submit(
        admin,
        f"/coordinator/admin/mentors/{sam.id}/approve",
        {},
        form_url="/coordinator/admin/mentors/pending",
    )
    assert "offer to mentor is approved" in text_of(page)
    assert "is approved" in emails_to("sam@volunteers.example.net")[-1].get_content()
    assert "1 apprentice can be matched" in text_of(admin.get(cohort_url))
    assert "2 mentors accept apprentices" in text_of(admin.get(cohort_url))

    # A round, its pair approved, and the round published.
    page = submit(admin, f"{cohort_url}/rounds", round_form(), form_url=cohort_url)
    match_round = db.session.scalar(select(MatchRound))
    db.session.refresh(match_round)
    assert match_round.status == RoundStatus.SUCCEEDED, match_round.error
    match = db.session.scalar(select(ProposedMatch).where(ProposedMatch.round_id == match_round.id))
    assert match.apprentice.user.email == "maya@students.example.org"
    round_url = f"/coordinator/rounds/{match_round.id}"
    submit(admin, f"/coordinator/matches/{match.id}/approve", {}, form_url=round_url)
    page = submit(admin, f"{round_url}/publish", {}, form_url=round_url)
    assert "Published 1 new pair." in text_of(page)
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1

    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "coordinator.created",
        "partner.created",
        "partner_contact.invited",
        "cohort.registration_opened",
        "email.verified",
        "mentor.approved",
        "round.published",
    } <= actions


def sign_in_as(browser, email: str) -> None:
    """Sign in with the password chosen at registration (the answer never signs in)."""
    page = submit(browser, "/login", {"email": email, "password": NEW_PASSWORD})
    assert "Welcome," in text_of(page)
