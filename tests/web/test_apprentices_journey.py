"""An apprentice after registering: status page, profile changes, check-ins, withdrawal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import PASSWORD, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from tests.web.test_apprentices_registration import fast_password_hashing  # noqa: F401
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    AuditEvent,
    CheckIn,
    MatchStatus,
    Mentorship,
    MentorshipStatus,
    ProposedMatch,
    User,
)
from web.services import notifications
from web.services.mentorships import check_in_months
from workers.tasks import send_round_notifications


def propose(apprentice, mentor, status=MatchStatus.PROPOSED) -> ProposedMatch:
    """A finished round that proposed `mentor` for `apprentice`."""
    return make_round(apprentice.cohort, [(apprentice, mentor, status)]).matches[0]


def publish(apprentice, mentor, status=MentorshipStatus.AWAITING_MENTOR) -> Mentorship:
    """Simulate the coordinator approving and publishing the pair."""
    mentorship = publish_pair(propose(apprentice, mentor, MatchStatus.APPROVED), status)
    db.session.commit()
    return mentorship


def test_status_page_shows_profile_and_no_mentor_before_publication(client, program):
    apprentice = make_apprentice(program, goals="Learn to build maps")
    mentor = make_mentor(phone="312-555-0100")
    propose(apprentice, mentor)
    apprentice.status = ApprenticeStatus.PROPOSED
    db.session.commit()
    sign_in(client, apprentice.user)

    page = client.get("/apprentice/status").get_data(as_text=True)

    assert "A mentor has been suggested for you" in page
    assert "Lakeshore Community College" in page
    assert "Python programming" in page
    assert "Learn to build maps" in page
    assert "You do not have a mentor yet" in page
    assert mentor.user.name not in page
    assert mentor.user.email not in page


def test_status_page_shows_the_mentor_once_published_and_contact_once_confirmed(client, program):
    apprentice = make_apprentice(program)
    mentor = make_mentor(phone="312-555-0100", job_title="GIS Analyst")
    mentorship = publish(apprentice, mentor)
    sign_in(client, apprentice.user)

    page = client.get("/apprentice/status").get_data(as_text=True)

    assert "Your match is approved" in page
    assert mentor.user.name in page
    assert "GIS Analyst" in page
    assert "Department of Innovation and Technology" in page
    assert "will confirm soon" in page
    assert mentor.user.email not in page
    assert "312-555-0100" not in page
    assert "once they confirm the match" in page

    mentorship.status = MentorshipStatus.ACTIVE
    db.session.commit()
    page = client.get("/apprentice/status").get_data(as_text=True)

    assert mentor.user.email in page
    assert "312-555-0100" in page


def test_status_page_needs_an_apprentice(client, program):
    sign_in(client, program.coordinator)

    assert client.get("/apprentice/status").status_code == 403


def test_apprentice_changes_profile_while_waiting(client, program):
    apprentice = make_apprentice(program, skills=("python", "sql"))
    db.session.commit()
    sign_in(client, apprentice.user)
    page = client.get("/apprentice/profile").get_data(as_text=True)
    assert '<option value="2" selected>Working knowledge</option>' in page

    data = {
        "pathways": ["cybersecurity"],
        "skill_levels-security": "3",
        "skill_levels-python": "1",
        "availability": ["5-morning"],
        "mode": "remote",
        "region": "north",
        "languages": ["english"],
        "date_of_birth": "2010-05-01",
        "guardian_name": "Gloria Parent",
        "guardian_email": "gloria@family.example.org",
        "goals": "Security",
    }
    response = submit(client, "/apprentice/profile", data)

    assert "Your profile is saved." in response.get_data(as_text=True)
    db.session.refresh(apprentice)
    assert apprentice.pathways == ["cybersecurity"]
    assert {s.skill.key: s.level for s in apprentice.skills} == {"security": 3, "python": 1}
    assert apprentice.availability == [[5, 540, 720]]
    assert apprentice.date_of_birth == date(2010, 5, 1)
    assert apprentice.is_minor is True  # 16 when the cohort starts in February 2027
    assert apprentice.guardian_email == "gloria@family.example.org"
    assert apprentice.mode == "remote"


def test_profile_change_with_bad_input_keeps_what_was_typed(client, program):
    apprentice = make_apprentice(program)
    db.session.commit()
    sign_in(client, apprentice.user)

    data = {"pathways": ["gis"], "mode": "remote", "date_of_birth": "2001-02-03"}
    data["goals"] = "Maps please"
    page = submit(client, "/apprentice/profile", data).get_data(as_text=True)

    assert "Tick at least one time you can meet." in page
    assert "Choose at least one skill you want to learn." in page
    assert "Maps please" in page
    db.session.refresh(apprentice)
    assert apprentice.pathways == ["software_development"]


def test_profile_change_refused_after_approval(client, program):
    apprentice = make_apprentice(program)
    publish(apprentice, make_mentor())
    sign_in(client, apprentice.user)

    page = client.get("/apprentice/profile", follow_redirects=True).get_data(as_text=True)
    assert "can no longer be changed" in page
    assert "Change your profile</a>" not in page

    response = client.post("/apprentice/profile", data={}, follow_redirects=True)
    assert response.status_code == 400  # no CSRF token: refused before anything else

    token_page = client.get("/apprentice/status").get_data(as_text=True)
    assert "Your status" in token_page


def test_withdrawal_removes_personal_data_and_ends_pairs(client, program):
    apprentice = make_apprentice(program, goals="Personal goals", exclude_mentor_ids=[7])
    mentor = make_mentor()
    mentorship = publish(apprentice, mentor)
    open_pair = propose(apprentice, make_mentor())
    user_id, email = apprentice.user.id, apprentice.user.email
    sign_in(client, apprentice.user)
    assert "This cannot be undone" in client.get("/apprentice/withdraw").get_data(as_text=True)

    response = submit(client, "/apprentice/withdraw", {})

    page = response.get_data(as_text=True)
    assert "You have left the program" in page
    assert "Sign in" in page
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.email != email and "@" in user.email
    assert user.name == "Withdrawn apprentice"
    assert user.active is False
    assert not user.check_password(PASSWORD)
    assert apprentice.user_id is None
    assert apprentice.status == ApprenticeStatus.WITHDRAWN
    assert apprentice.goals == "" and apprentice.exclude_mentor_ids == []
    assert apprentice.availability == [] and apprentice.skills == []
    assert apprentice.partner_id == program.partner_a.id
    assert apprentice.cohort_id == program.cohort.id
    assert apprentice.pathways == ["software_development"]
    assert mentorship.status == MentorshipStatus.ENDED
    assert mentorship.end_reason == "apprentice withdrew"
    assert mentorship.match.status == MatchStatus.REJECTED
    assert open_pair.status == MatchStatus.REJECTED
    assert open_pair.decision_reason == "apprentice withdrew"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "apprentice.withdrew"))
    assert audit.subject_id == apprentice.id
    assert email not in str(audit.details)
    # Signed out, and the old password no longer works.
    assert client.get("/apprentice/status").status_code == 302
    login = submit(client, "/login", {"email": email, "password": PASSWORD})
    assert "do not match an account" in login.get_data(as_text=True)


def test_withdrawal_leaves_no_address_in_sent_emails_or_their_log(app, client, program):
    apprentice = make_apprentice(program)
    mentorship = publish(apprentice, make_mentor())
    email = apprentice.user.email
    assert send_round_notifications(mentorship.match.round_id) == 3  # apprentice, mentor, partner
    db.session.add(  # an entry from before addresses stopped being kept
        AuditEvent(
            action=notifications.SENT,
            subject_type="Mentorship",
            subject_id=mentorship.id,
            details={"audience": "apprentice", "to": email},
        )
    )
    db.session.commit()
    outbox = notifications.outbox_dir()
    assert any(email in path.read_text() for path in outbox.glob("*.eml"))
    sign_in(client, apprentice.user)

    submit(client, "/apprentice/withdraw", {})

    db.session.expire_all()
    logged = db.session.scalars(select(AuditEvent.details)).all()
    assert logged and email not in str(logged)
    assert not any(email in path.read_text() for path in outbox.glob("*.eml"))
    assert len(list(outbox.glob("*.eml"))) == 2  # the mentor's and the partner's stay


def test_check_in_for_active_mentorship_once_per_month(client, program):
    apprentice = make_apprentice(program)
    mentorship = publish(apprentice, make_mentor(), MentorshipStatus.ACTIVE)
    sign_in(client, apprentice.user)
    this_month, last_month = check_in_months(date.today())

    first = submit(client, "/apprentice/check-in", {"month": this_month, "rating": "4"})
    assert "is saved" in first.get_data(as_text=True)
    again = submit(
        client, "/apprentice/check-in", {"month": this_month, "rating": "2", "note": "Busy"}
    )
    assert "You had already sent a check-in" in again.get_data(as_text=True)
    submit(client, "/apprentice/check-in", {"month": last_month, "rating": "5"})

    rows = db.session.scalars(select(CheckIn).order_by(CheckIn.month)).all()
    assert [(c.month, c.rating, c.author_role) for c in rows] == [
        (last_month, 5, "apprentice"),
        (this_month, 2, "apprentice"),
    ]
    assert rows[1].note == "Busy" and rows[1].mentorship_id == mentorship.id
    assert "2 of 5" in client.get("/apprentice/status").get_data(as_text=True)


def test_check_in_bad_input_and_other_months_refused(client, program):
    apprentice = make_apprentice(program)
    publish(apprentice, make_mentor(), MentorshipStatus.ACTIVE)
    sign_in(client, apprentice.user)

    page = submit(client, "/apprentice/check-in", {"month": "2001-01", "note": "x"})

    text = page.get_data(as_text=True)
    assert "Not a valid choice." in text
    assert "Choose a rating from 1 to 5." in text
    assert db.session.scalar(select(CheckIn)) is None


def test_check_in_waits_for_the_mentor(client, program):
    apprentice = make_apprentice(program)
    publish(apprentice, make_mentor())
    sign_in(client, apprentice.user)

    page = client.get("/apprentice/check-in", follow_redirects=True).get_data(as_text=True)

    assert "once your mentor has confirmed" in page
