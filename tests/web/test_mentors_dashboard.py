"""A mentor's apprentices: confirm, decline, someone else's mentorship, check-ins."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import csrf_token_from, sign_in, submit
from tests.factories import make_apprentice, make_mentor
from tests.web.test_apprentices_journey import publish
from tests.web.test_apprentices_registration import fast_password_hashing  # noqa: F401
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    AuditEvent,
    CheckIn,
    MatchStatus,
    MentorshipStatus,
)
from web.services.mentorships import check_in_months

# Any page with a form, to take a CSRF token from (the session's token is the same for all).
FORM_PAGE = "/mentor/profile"


def _published(program, **apprentice_fields):
    apprentice = make_apprentice(program, goals="Learn SQL for city data", **apprentice_fields)
    mentor = make_mentor()
    return publish(apprentice, mentor)


def test_dashboard_lists_apprentices_with_contact_details(client, program):
    mentorship = _published(program)
    sign_in(client, mentorship.mentor.user)

    page = client.get("/mentor/").get_data(as_text=True)

    apprentice = mentorship.apprentice
    assert apprentice.user.name in page
    assert apprentice.user.email in page
    assert "Lakeshore Community College" in page
    assert "Software development" in page
    assert "Python programming (working knowledge)" in page
    assert "Learn SQL for city data" in page
    assert f"/mentor/mentorships/{mentorship.id}/confirm" in page
    assert f"/mentor/mentorships/{mentorship.id}/decline" in page


def test_confirm_starts_the_mentorship_once(client, program):
    mentorship = _published(program)
    sign_in(client, mentorship.mentor.user)
    url = f"/mentor/mentorships/{mentorship.id}/confirm"

    first = submit(client, url, {}, form_url=FORM_PAGE)
    assert "You confirmed" in first.get_data(as_text=True)
    second = submit(client, url, {}, form_url=FORM_PAGE)

    assert second.status_code == 200
    assert "You already confirmed this apprentice." in second.get_data(as_text=True)
    db.session.expire_all()
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.apprentice.status == ApprenticeStatus.ACTIVE
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("mentorship.confirmed") == 1


def test_decline_frees_the_apprentice_for_the_next_round(client, program):
    mentorship = _published(program)
    sign_in(client, mentorship.mentor.user)
    url = f"/mentor/mentorships/{mentorship.id}/decline"
    assert "Decline " in client.get(url).get_data(as_text=True)

    response = submit(client, url, {"reason": "Out on leave this spring"})

    assert "They will be matched again in the next round." in response.get_data(as_text=True)
    db.session.expire_all()
    apprentice = mentorship.apprentice
    assert mentorship.status == MentorshipStatus.DECLINED
    assert mentorship.end_reason == "Out on leave this spring"
    assert apprentice.status == ApprenticeStatus.REGISTERED
    assert mentorship.mentor_id in apprentice.exclude_mentor_ids
    assert mentorship.match.status == MatchStatus.REJECTED
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentorship.declined"))
    assert audit.reason == "Out on leave this spring"
    # A stale decline (or confirm) afterwards changes nothing.
    again = submit(client, url, {"reason": "again"}, form_url=FORM_PAGE)
    assert "You already declined this apprentice." in again.get_data(as_text=True)
    stale = submit(client, f"/mentor/mentorships/{mentorship.id}/confirm", {}, form_url=FORM_PAGE)
    assert "You already declined this apprentice." in stale.get_data(as_text=True)
    db.session.expire_all()
    assert mentorship.status == MentorshipStatus.DECLINED


def test_apprentice_sees_decline_and_no_mentor(client, program):
    mentorship = _published(program)
    sign_in(client, mentorship.mentor.user)
    submit(client, f"/mentor/mentorships/{mentorship.id}/decline", {})
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get(FORM_PAGE).text)})
    sign_in(client, mentorship.apprentice.user)

    page = client.get("/apprentice/status").get_data(as_text=True)

    assert "could not take you on" in page
    assert mentorship.mentor.user.email not in page


def test_another_mentors_mentorship_is_not_found(client, program):
    mentorship = _published(program)
    other = make_mentor()
    db.session.commit()
    sign_in(client, other.user)
    token = csrf_token_from(client.get(FORM_PAGE).get_data(as_text=True))

    for action in ("confirm", "decline", "check-in"):
        url = f"/mentor/mentorships/{mentorship.id}/{action}"
        assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert client.get(f"/mentor/mentorships/{mentorship.id}/decline").status_code == 404
    assert client.get("/mentor/mentorships/9999/check-in").status_code == 404
    db.session.expire_all()
    assert mentorship.status == MentorshipStatus.AWAITING_MENTOR


def test_confirm_without_csrf_token_is_rejected(client, program):
    mentorship = _published(program)
    sign_in(client, mentorship.mentor.user)

    response = client.post(f"/mentor/mentorships/{mentorship.id}/confirm")

    assert response.status_code == 400
    db.session.expire_all()
    assert mentorship.status == MentorshipStatus.AWAITING_MENTOR


def test_apprentices_cannot_use_mentor_pages(client, program):
    mentorship = _published(program)
    sign_in(client, mentorship.apprentice.user)
    token = csrf_token_from(client.get("/apprentice/withdraw").get_data(as_text=True))

    assert client.get("/mentor/").status_code == 403
    url = f"/mentor/mentorships/{mentorship.id}/confirm"
    assert client.post(url, data={"csrf_token": token}).status_code == 403


def test_no_mentor_route_approves_proposed_matches(app):
    mentor_rules = [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("mentors.")]

    assert not [rule for rule in mentor_rules if "approve" in rule or "match" in rule.split("/")]


def test_mentor_check_in_on_active_mentorship(client, program):
    apprentice = make_apprentice(program)
    mentorship = publish(apprentice, make_mentor(), MentorshipStatus.ACTIVE)
    sign_in(client, mentorship.mentor.user)
    url = f"/mentor/mentorships/{mentorship.id}/check-in"
    this_month = check_in_months(date.today())[0]

    response = submit(client, url, {"month": this_month, "rating": "5", "note": "Great start"})
    again = submit(client, url, {"month": this_month, "rating": "3"})

    assert "is saved" in response.get_data(as_text=True)
    assert "You had already sent a check-in" in again.get_data(as_text=True)
    check_in = db.session.scalar(select(CheckIn))
    assert (check_in.author_role, check_in.rating, check_in.note) == ("mentor", 3, "")
    assert len(db.session.scalars(select(CheckIn)).all()) == 1


def test_mentor_check_in_waits_for_confirmation(client, program):
    mentorship = _published(program)
    sign_in(client, mentorship.mentor.user)

    response = client.get(f"/mentor/mentorships/{mentorship.id}/check-in", follow_redirects=True)

    assert "once you have confirmed" in response.get_data(as_text=True)
