"""Administration pages: coordinators, partners, cohorts, and mentor sign-ups up to vetting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import make_user, sign_in, submit
from tests.web import setup_helpers
from tests.web.api_tokens import bearer_for
from tests.web.setup_helpers import emails_to, link_in_last_email
from tests.web.test_intake import APPRENTICES, upload
from tests.web.test_mentors_registration import NEW_PASSWORD, mentor_form
from web.auth.tokens import InvalidLink, SpentLink
from web.extensions import db
from web.models import AuditEvent, CoordinatorRole, MentorProfile, MentorVetting, Role, User
from web.models.base import utcnow
from web.services import email_verification

PASSWORD = "a-long-passphrase"


@pytest.fixture(autouse=True)
def browsers_take_turns(app):
    """Several browsers in one test, each with its own sign-in and form token."""
    app.before_request(setup_helpers.forget_the_last_browser)


def admin_browser(app, program):
    browser = app.test_client()
    sign_in(browser, program.coordinator)
    return browser


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_mentor_sign_up_verifies_its_address_then_waits_for_a_coordinator(app, program):
    mentor = app.test_client()
    page = text(submit(mentor, "/mentor/register", mentor_form(email="kim@volunteers.example")))
    assert "Confirm your email address" in page
    signed_in = {"email": "kim@volunteers.example", "password": NEW_PASSWORD}
    page = text(submit(mentor, "/login", signed_in))
    assert "Confirm your email address" in page and "You have no active apprentices" in page
    assert emails_to("kim@volunteers.example")[0]["Subject"] == (
        "Confirm your email address for Pathways"
    )
    profile = db.session.scalar(select(MentorProfile))
    assert profile.vetting == MentorVetting.PENDING and not profile.user.email_verified

    page = text(mentor.get(link_in_last_email("kim@volunteers.example", "/email/verify/")))
    page = text(mentor.get("/mentor/"))
    assert "Your offer is waiting for approval" in page
    assert "Confirm your email address" not in page

    admin = admin_browser(app, program)
    pending = "/coordinator/admin/mentors/pending"
    refused = submit(admin, f"/coordinator/admin/mentors/{profile.id}/refuse", {}, form_url=pending)
    assert refused.status_code == 400 and "Say why" in text(refused)
    page = submit(
        admin,
        f"/coordinator/admin/mentors/{profile.id}/refuse",
        {"reason": "Not a city employee"},
        form_url=pending,
    )
    assert "offer to mentor is turned down" in text(page)
    assert "Your offer was not accepted" in text(mentor.get("/mentor/"))
    told = emails_to("kim@volunteers.example")[-1]
    assert told["Subject"] == "Your offer to mentor in Pathways"
    assert "did not approve your offer" in told.get_content()
    assert "Not a city employee" not in told.get_content()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentor.refused"))
    assert event.reason == "Not a city employee" and event.actor_id == program.coordinator.id
    other_form = "/coordinator/admin/coordinators"  # the list is empty now: no form there
    again = submit(
        admin, f"/coordinator/admin/mentors/{profile.id}/approve", {}, form_url=other_form
    )
    assert "already refused" in text(again)


def test_a_verification_link_that_was_changed_or_expired_is_explained(app, program):
    user = make_user(Role.APPRENTICE, "new@students.example.org")
    user.email_verified = False
    db.session.commit()
    token = email_verification._serializer().dumps({"user": user.id, "email": user.email})

    with pytest.raises(SpentLink, match="expired"):
        email_verification.user_for_link(token, now=utcnow() + timedelta(days=8))
    with pytest.raises(InvalidLink):
        email_verification.user_for_link(token[:-2])
    response = app.test_client().get(f"/email/verify/{token[:-2]}")
    assert response.status_code == 400 and "not complete or was changed" in text(response)
    assert not db.session.get(User, user.id).email_verified
    page = app.test_client().get(f"/email/verify/{token}", follow_redirects=True)
    assert "is verified" in text(page)


def test_an_invited_reviewer_signs_in_without_administration(app, program):
    admin = admin_browser(app, program)
    url = "/coordinator/admin/coordinators"
    typed = {"name": "Rey Reviewer", "email": "rey@", "coordinator_role": "reviewer"}
    page = submit(admin, url, typed)
    assert page.status_code == 400 and "Enter an email address like" in text(page)
    assert 'value="Rey Reviewer"' in text(page)
    taken = submit(admin, url, typed | {"email": program.coordinator.email})
    assert "already exists" in text(taken)
    page = submit(admin, url, typed | {"email": "rey@city.example.gov"})
    assert "on its way to rey@city.example.gov" in text(page)

    reviewer = app.test_client()
    path = link_in_last_email("rey@city.example.gov", "/password/set/")
    landing = submit(reviewer, path, {"password": PASSWORD, "confirm": PASSWORD})
    assert "Cohorts and matching rounds" in text(landing)
    assert "Administration" not in text(landing)
    assert 'href="/coordinator/import"' not in text(landing)
    rey = db.session.scalar(select(User).where(User.email == "rey@city.example.gov"))
    assert rey.coordinator_role == CoordinatorRole.REVIEWER and rey.email_verified

    page = submit(admin, f"{url}/{rey.id}/role", {"coordinator_role": "admin"}, form_url=url)
    assert "Rey Reviewer is now a program admin." in text(page)
    assert "Administration" in text(reviewer.get("/coordinator/"))


def test_partners_are_created_edited_deactivated_and_counted(app, program):
    admin = admin_browser(app, program)
    typed = {"name": program.partner_a.name.upper(), "kind": "university"}
    page = submit(admin, "/coordinator/admin/partners/new", typed)
    assert page.status_code == 400 and "already exists" in text(page)
    page = submit(admin, "/coordinator/admin/partners/new", {"name": "", "kind": ""})
    assert "Enter the institution" in text(page)

    url = f"/coordinator/admin/partners/{program.partner_b.id}"
    page = submit(
        admin,
        url,
        {"name": "Westside Tech", "kind": "high_school", "contact_email": "office@westside.org"},
    )
    assert "Westside Tech is saved." in text(page)
    listing = text(admin.get("/coordinator/admin/partners"))
    assert "Westside Tech" in listing and "office@westside.org" in listing

    page = submit(admin, f"{url}/active", {}, form_url=url)
    assert "deactivated: no new apprentices join it, 1 contact account is closed" in text(page)
    register = text(app.test_client().get("/apprentice/register"))
    assert "Westside Tech" not in register and program.partner_a.name in register
    contact = {"contact-name": "N", "contact-email": "n@westside.org"}
    invite = submit(admin, f"{url}/contacts", contact, form_url=url)
    assert "reactivate it before inviting contacts" in text(invite)
    assert emails_to("n@westside.org") == []


def test_deactivating_a_partner_closes_its_contacts_and_its_api_tokens(app, program):
    token = bearer_for(program.partner_b_user)
    contact = app.test_client()
    sign_in(contact, program.partner_b_user)
    assert contact.get("/partner/").status_code == 200
    assert app.test_client().get("/api/v1/cohorts", headers=token).status_code == 200
    admin = admin_browser(app, program)
    url = f"/coordinator/admin/partners/{program.partner_b.id}"

    submit(admin, f"{url}/active", {}, form_url=url)

    db.session.refresh(program.partner_b_user)
    assert not program.partner_b_user.active
    assert contact.get("/partner/").status_code in (302, 401)
    assert app.test_client().get("/api/v1/cohorts", headers=token).status_code == 401
    page = text(submit(admin, f"{url}/active", {}, form_url=url))
    assert "accounts stay closed until you reactivate each one" in page
    db.session.refresh(program.partner_b_user)
    assert not program.partner_b_user.active
    assert program.partner_a_user.active


def test_an_unknown_partner_in_an_import_links_to_the_page_that_creates_one(app, program):
    admin = admin_browser(app, program)
    csv_text = APPRENTICES.replace("Lakeshore Community College", "Nowhere College")
    page = text(upload(admin, csv_text, program=program))
    assert "unknown partner institution: Nowhere College" in page
    assert 'href="/coordinator/admin/partners/new"' in page


def test_a_cohort_is_edited_and_its_registration_opened_and_closed(app, program):
    admin = admin_browser(app, program)
    url = f"/coordinator/admin/cohorts/{program.cohort.id}/edit"
    bad = submit(admin, url, {"name": "Fall", "starts_on": "2027-09-01", "ends_on": "2027-08-01"})
    assert bad.status_code == 400 and "must end after it starts" in text(bad)
    assert 'value="Fall"' in text(bad)
    page = submit(
        admin, url, {"name": "2027 Fall", "starts_on": "2027-09-01", "description": "Autumn"}
    )
    assert "Cohort “2027 Fall” is saved." in text(page)
    cohort_url = f"/coordinator/cohorts/{program.cohort.id}"
    registration = f"/coordinator/admin/cohorts/{program.cohort.id}/registration"
    page = submit(admin, registration, {"open": "0"}, form_url=cohort_url)
    assert "Registration for 2027 Fall is closed." in text(page)
    assert "Registration is closed for now" in text(app.test_client().get("/apprentice/register"))
    page = submit(admin, registration, {"open": "0"}, form_url=cohort_url)
    assert "already closed" in text(page)


def test_the_first_coordinators_link_uses_the_public_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://pathways.city.example.gov")
    result = app.test_cli_runner().invoke(
        args=["create-coordinator", "ada@city.example.gov", "--name", "Ada Admin"]
    )
    assert result.exit_code == 0, result.output
    assert "  https://pathways.city.example.gov/password/set/" in result.output
    ada = db.session.scalar(select(User).where(User.email == "ada@city.example.gov"))
    assert ada.is_program_admin and ada.name == "Ada Admin"
