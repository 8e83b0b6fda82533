"""Apprentices under 18: a date of birth, a named guardian, the guardian's consent by link,
and a copy of every email to the guardian."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from tests.web import test_publishing
from tests.web.test_apprentices_registration import (
    apprentice_form,
    fast_password_hashing,  # noqa: F401
)
from tests.web.test_invitations import each_request_starts_from_its_own_cookies  # noqa: F401
from web.auth.tokens import SpentLink
from web.database import send_task
from web.extensions import db
from web.models import ApprenticeProfile, AuditEvent, MatchStatus
from web.models.base import utcnow
from web.services import guardians, notifications

smtp = test_publishing.smtp  # the fixture: a real SMTP server on localhost
URL = "/apprentice/register"
CONSENT_LINK = re.compile(r"http://localhost(/guardian/consent/\S+)")
# The test cohort starts on 2027-02-01: born 2009-03-01 is 17 then, born 2009-01-15 is 18.
MINOR_BIRTH, ADULT_BIRTH = "2009-03-01", "2009-01-15"
GUARDIAN = {"guardian_name": "Gloria Lopez", "guardian_email": "gloria@family.example.org"}


def register(client, program, **changes):
    """Register through the form, then sign in: registration itself signs nobody in."""
    form = apprentice_form(program, **changes)
    response = submit(client, URL, form)
    submit(client, "/login", {"email": form["email"], "password": form["password"]})
    return response


def the_profile() -> ApprenticeProfile:
    return db.session.scalar(select(ApprenticeProfile))


def consent_requests(smtp, address: str) -> list:
    """The consent emails `address` received (a guardian also gets copies of other emails)."""
    return [m for m in smtp.to(address) if m["Subject"].startswith("Your consent for")]


def consent_path(message) -> str:
    match = CONSENT_LINK.search(message.get_payload(decode=True).decode())
    assert match, "the email has no consent link"
    return match.group(1)


def audited(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_minor_is_derived_from_the_date_of_birth_at_the_cohort_start(client, program, smtp):
    register(client, program, date_of_birth=ADULT_BIRTH)

    profile = the_profile()
    # 17 today (November 2026) but 18 when the cohort starts: not a minor, no guardian asked.
    assert profile.date_of_birth == date(2009, 1, 15) and profile.is_minor is False
    # Only the address verification goes out, to Maya alone.
    assert [rcpt for rcpt, _ in smtp.messages] == [["maya@students.example.org"]]


def test_a_minor_must_name_a_guardian_and_keeps_what_was_typed(client, program):
    page = register(client, program, date_of_birth=MINOR_BIRTH).get_data(as_text=True)

    assert "You will be under 18 when the cohort starts, so we need your parent or" in page
    assert 'id="guardian_name-error-1"' in page and 'id="guardian_email-error-1"' in page
    assert 'value="2009-03-01"' in page and 'value="Maya Lopez"' in page
    assert the_profile() is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"guardian_email": "not-an-address"}, "guardian_email", "Enter an email address like"),
        (
            {"guardian_email": "MAYA@students.example.org"},
            "guardian_email",
            "not yours: they confirm their consent from it",
        ),
        ({"guardian_name": "  "}, "guardian_name", "we need your parent or guardian&#39;s name"),
    ],
)
def test_a_bad_guardian_is_explained_next_to_the_field(client, program, changes, field, message):
    data = GUARDIAN | changes
    page = register(client, program, date_of_birth=MINOR_BIRTH, **data).get_data(as_text=True)

    assert message in page and f'id="{field}-error-1"' in page
    assert the_profile() is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2099-01-01", "The date of birth is in the future."),
        ("2024-01-01", "Apprentices are at least 10 years old."),
        ("1900-01-01", "Check the year of the date of birth."),
    ],
)
def test_an_impossible_date_of_birth_is_refused(client, program, typed, message):
    page = register(client, program, date_of_birth=typed).get_data(as_text=True)

    assert message in page and 'id="date_of_birth-error-1"' in page
    assert f'value="{typed}"' in page


def test_the_guardian_consents_through_a_single_use_link(client, app, program, smtp):
    register(client, program, date_of_birth=MINOR_BIRTH, **GUARDIAN)
    profile = the_profile()
    assert profile.is_minor and profile.guardian_consent_at is None
    [request] = consent_requests(smtp, "gloria@family.example.org")
    assert request["Subject"] == "Your consent for Maya Lopez to join Pathways"
    path = consent_path(request)

    guardian = app.test_client()
    page = guardian.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "What you consent to" in text and "background check" in text and "2027 Spring" in text
    confirmed = guardian.post(path, data={"csrf_token": csrf_token_from(text)})

    assert "your consent is recorded" in confirmed.get_data(as_text=True)
    db.session.expire_all()
    assert profile.guardian_consent_at is not None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "guardian.consent_confirmed")
    )
    assert event.subject_id == profile.id and event.details == {"guardian": "Gloria Lopez"}
    again = guardian.get(path, follow_redirects=True)
    assert again.status_code == 200, again.text[again.text.find("<main") :][:800]
    assert "Withdraw my consent" in again.get_data(as_text=True)
    assert again.request.path == path + "/withdraw"


def test_the_guardian_withdraws_consent_and_the_minors_pair_ends(client, app, program, smtp):
    register(client, program, date_of_birth=MINOR_BIRTH, **GUARDIAN)
    profile = the_profile()
    path = consent_path(consent_requests(smtp, "gloria@family.example.org")[0])
    guardian = app.test_client()
    guardian.post(path, data={"csrf_token": csrf_token_from(guardian.get(path).text)})
    mentor = make_mentor()
    match_round = make_round(program.cohort, [(profile, mentor, MatchStatus.APPROVED)])
    mentorship = publish_pair(match_round.matches[0])
    db.session.commit()
    smtp.messages.clear()

    page = guardian.get(path + "/withdraw")
    assert "What happens if you withdraw it" in page.text
    withdrawn = guardian.post(path + "/withdraw", data={"csrf_token": csrf_token_from(page.text)})

    assert "Your consent is withdrawn" in withdrawn.text
    db.session.expire_all()
    assert profile.guardian_consent_at is None and guardians.needs_consent(profile)
    assert mentorship.status == "ended" and mentorship.end_outcome == "ended_early"
    assert mentorship.end_reason == guardians.WITHDRAWN_REASON
    assert profile.status == "registered" and mentor.id in profile.exclude_mentor_ids
    assert audited("guardian.consent_withdrawn") == 1
    [to_mentor] = smtp.to(mentor.user.email)
    assert "ended your mentorship with Maya Lopez" in to_mentor.get_payload()
    assert smtp.to(profile.user.email) and smtp.to("gloria@family.example.org")
    again = guardian.get(path + "/withdraw")
    assert again.status_code == 410 and "nothing to withdraw" in again.text


def test_a_changed_or_expired_or_altered_link_is_refused(client, app, program, smtp):
    register(client, program, date_of_birth=MINOR_BIRTH, **GUARDIAN)
    profile = the_profile()
    path = consent_path(consent_requests(smtp, "gloria@family.example.org")[0])
    token = path.rsplit("/", 1)[1]

    later = utcnow() + guardians.CONSENT_LIFETIME + timedelta(minutes=1)
    with pytest.raises(SpentLink, match="expired"):
        guardians.profile_for_token(token, now=later)
    assert app.test_client().get(path[:-3] + "xyz").status_code == 400
    profile.guardian_email = "someone.else@family.example.org"
    db.session.commit()
    refused = app.test_client().get(path)
    assert refused.status_code == 410 and "email has changed" in refused.get_data(as_text=True)
    assert profile.guardian_consent_at is None


def test_status_page_says_consent_is_awaited_and_resends_it(client, program, smtp):
    register(client, program, date_of_birth=MINOR_BIRTH, **GUARDIAN)
    profile = the_profile()
    page = client.get("/apprentice/status").get_data(as_text=True)
    assert "Waiting for your parent or guardian's consent" in page
    assert "gloria@family.example.org" in page

    too_soon = client.post(
        "/apprentice/consent/resend",
        data={"csrf_token": csrf_token_from(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "We sent the request less than 10 minutes ago." in too_soon
    assert len(consent_requests(smtp, "gloria@family.example.org")) == 1

    profile.guardian_consent_requested_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    resent = client.post(
        "/apprentice/consent/resend",
        data={"csrf_token": csrf_token_from(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "We have emailed Gloria Lopez at gloria@family.example.org again." in resent
    assert len(consent_requests(smtp, "gloria@family.example.org")) == 2
    assert audited("guardian.consent_requested") == 2


def test_an_adult_sees_no_consent_notice_and_cannot_resend(client, program, smtp):
    register(client, program)
    page = client.get("/apprentice/status").get_data(as_text=True)
    assert "consent" not in page.lower()

    token = csrf_token_from(client.get("/apprentice/profile").get_data(as_text=True))
    answer = client.post(
        "/apprentice/consent/resend",
        data={"csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "consent is not needed or already given" in answer
    assert consent_requests(smtp, "maya@students.example.org") == []


def test_changing_the_guardian_asks_the_new_one(client, program, smtp):
    register(client, program, date_of_birth=MINOR_BIRTH, **GUARDIAN)
    profile = the_profile()
    profile.guardian_consent_at = utcnow()
    db.session.commit()
    data = apprentice_form(program, date_of_birth=MINOR_BIRTH)
    data |= {"guardian_name": "Grandpa Lopez", "guardian_email": "grandpa@family.example.org"}

    submit(client, "/apprentice/profile", data)

    db.session.expire_all()
    assert profile.guardian_email == "grandpa@family.example.org"
    assert profile.guardian_consent_at is None
    assert len(consent_requests(smtp, "grandpa@family.example.org")) == 1


def test_the_guardian_is_copied_on_the_pair_email(app, program, smtp):
    minor = make_apprentice(program, is_minor=True, guardian_consent_at=utcnow(), **GUARDIAN)
    adult = make_apprentice(program, guardian_email="not.kept@family.example.org")
    match_round = make_round(
        program.cohort,
        [
            (minor, make_mentor(), MatchStatus.APPROVED),
            (adult, make_mentor(), MatchStatus.APPROVED),
        ],
    )
    for match in match_round.matches:
        publish_pair(match)
    db.session.commit()

    send_task("workers.tasks.send_round_notifications", match_round.id)

    [to_minor] = smtp.to(minor.user.email)
    assert to_minor["Cc"] == "gloria@family.example.org"
    assert smtp.to("gloria@family.example.org") == [to_minor]
    assert smtp.to("not.kept@family.example.org") == [], "only a minor's guardian is copied"


def test_the_guardian_hears_of_a_password_link_without_getting_it(app, program, smtp):
    minor = make_apprentice(program, is_minor=True, **GUARDIAN)
    db.session.commit()

    send_task("workers.tasks.send_password_link", minor.user.id)

    [to_minor] = smtp.to(minor.user.email)
    [copy] = smtp.to("gloria@family.example.org")
    body = copy.get_payload(decode=True).decode()
    assert copy["Subject"] == f"Copy: {to_minor['Subject']}"
    assert "/password/set/" in to_minor.get_payload(decode=True).decode()
    assert "/password/set/" not in body and minor.user.name in body


def test_the_cohort_page_counts_minors_waiting_for_consent(client, program):
    make_apprentice(program, is_minor=True, **GUARDIAN)
    make_apprentice(program, is_minor=True, guardian_consent_at=utcnow(), **GUARDIAN)
    make_apprentice(program)
    db.session.commit()
    sign_in(client, program.coordinator)

    page = client.get(f"/coordinator/cohorts/{program.cohort.id}").get_data(as_text=True)

    assert "2 apprentices can be matched in the next round." in page
    assert "1 apprentice under 18 waits for a parent or guardian's consent" in page


def test_a_withdrawing_minor_leaves_no_birth_date_or_guardian_behind(app, client, program):
    app.config["SMTP_HOST"] = ""
    minor = make_apprentice(
        program,
        is_minor=True,
        date_of_birth=date(2010, 1, 1),
        guardian_consent_at=utcnow(),
        **GUARDIAN,
    )
    match = make_round(program.cohort, [(minor, make_mentor(), MatchStatus.APPROVED)]).matches[0]
    publish_pair(match)
    db.session.commit()
    send_task("workers.tasks.send_round_notifications", match.round_id)
    outbox = notifications.outbox_dir()
    assert any(GUARDIAN["guardian_email"] in p.read_text() for p in outbox.glob("*.eml"))
    sign_in(client, minor.user)

    submit(client, "/apprentice/withdraw", {})

    db.session.expire_all()
    assert (minor.date_of_birth, minor.guardian_name, minor.guardian_email) == (None, "", "")
    assert not any(GUARDIAN["guardian_email"] in p.read_text() for p in outbox.glob("*.eml"))


def test_a_minor_registered_before_dates_of_birth_is_asked_for_a_guardian(client, program):
    minor = make_apprentice(program, is_minor=True)  # as the migration leaves earlier minors
    db.session.commit()
    sign_in(client, minor.user)

    page = client.get("/apprentice/status").get_data(as_text=True)

    assert "we need your parent or guardian's name and email address" in page
    assert "Send the consent email again" not in page
    profile_page = client.get("/apprentice/profile").get_data(as_text=True)
    assert 'name="date_of_birth"' in profile_page and 'name="guardian_email"' in profile_page


def test_the_guardian_hears_of_the_address_check_without_its_link(client, program, smtp):
    register(client, program, date_of_birth=MINOR_BIRTH, **GUARDIAN)

    [to_minor] = smtp.to("maya@students.example.org")
    [copy] = [
        m
        for m in smtp.to("gloria@family.example.org")
        if m not in consent_requests(smtp, "gloria@family.example.org")
    ]
    link = re.search(r"http://localhost/\S+", to_minor.get_payload(decode=True).decode())[0]
    assert copy["Subject"] == f"Copy: {to_minor['Subject']}"
    assert link not in copy.get_payload(decode=True).decode()
