"""Withdrawal and erasure remove a person's name from every round's reasons, not only profiles."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from tests.conftest import build_program, make_user, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from web.extensions import db
from web.models import (
    AuditEvent,
    CheckIn,
    MatchRound,
    MatchStatus,
    MentorProfile,
    Role,
    UnmatchedApprentice,
    User,
)
from web.services import erasure, rounds
from web.services.scrubbing import Replacement, scrub

NAMES = ["Rosa Díaz-Ortiz", "Tomás Lee", "Ann Kowalski"]
MAYA = "Maya Chén"


def stored_text() -> str:
    """Every row of every table, as text: where a name could still hide."""
    dumps = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f"SELECT * FROM {table.name}")):
            dumps.append(" ".join(str(value) for value in row))
    return "\n".join(dumps)


def assert_nowhere(*words: str) -> None:
    everything = stored_text()
    for word in words:
        escaped = json.dumps(word)[1:-1]
        assert word.casefold() not in everything.casefold(), f"{word!r} is still stored"
        assert escaped.casefold() not in everything.casefold(), f"{escaped!r} is still stored"


@pytest.fixture
def crowded_round(any_app):
    """One mentor with one place and three apprentices who all fit: two are told who got it."""
    program = build_program()
    mentor = make_mentor()
    mentor.user.name = MAYA
    apprentices = [make_apprentice(program) for _ in NAMES]
    for apprentice, name in zip(apprentices, NAMES, strict=True):
        apprentice.user.name = name
    db.session.commit()
    match_round = rounds.start_round(program.cohort, {}, program.coordinator)
    db.session.commit()  # the round runs in-process now
    db.session.expire_all()
    match_round = db.session.get(MatchRound, match_round.id)
    assert match_round.status == "succeeded"
    return program, match_round, match_round.matches[0].apprentice, mentor, apprentices


def test_withdrawal_removes_the_name_from_other_apprentices_unmatched_reasons(
    any_app,
    crowded_round,
):
    program, match_round, winner, mentor, _ = crowded_round
    name, email = winner.user.name, winner.user.email
    reasons = db.session.scalars(select(UnmatchedApprentice.reason)).all()
    assert len(reasons) == 2 and all(name in r for r in reasons)
    # A coordinator's reason and another person's check-in note name her too.
    db.session.add(
        AuditEvent(action="match.rejected", subject_type="X", subject_id=1, reason=f"{name}?")
    )
    other = make_mentorship_with_note(program, mentor, f"Met {name.upper()} at the library")
    db.session.commit()

    client = any_app.test_client()
    sign_in(client, winner.user)
    response = submit(client, "/apprentice/withdraw", {})
    assert "You have left the program" in response.get_data(as_text=True)

    db.session.expire_all()
    assert_nowhere(name, email)
    reasons = db.session.scalars(select(UnmatchedApprentice.reason)).all()
    assert all("a withdrawn apprentice (" in r for r in reasons), reasons
    assert all(MAYA in r for r in reasons), "other people's names stay"
    details = db.session.scalars(select(UnmatchedApprentice.details)).all()
    taken = [t for d in details for m in d["compatible_mentors"] for t in m["taken_by"]]
    assert {t["apprentice_name"] for t in taken} == {"a withdrawn apprentice"}
    assert {t["apprentice_id"] for t in taken} == {str(winner.id)}, "ids and scores stay"
    assert db.session.get(CheckIn, other).note == "Met a withdrawn apprentice at the library"
    assert db.session.get(MatchRound, match_round.id).report["matched"] == 1
    own = db.session.get(MatchRound, match_round.id).matches[0]
    assert own.facts == {} and own.reason == erasure.REASON_ERASED, "her profile's details go"
    assert own.score > 0 and own.components, "the numbers stay"


def make_mentorship_with_note(program, mentor, note: str) -> int:
    apprentice = make_apprentice(program)
    match = make_round(program.cohort, [(apprentice, mentor, MatchStatus.APPROVED)]).matches[0]
    mentorship = publish_pair(match)
    check_in = CheckIn(
        mentorship=mentorship, author=apprentice.user, author_role="apprentice", month="2027-03"
    )
    check_in.rating, check_in.note = 4, note
    db.session.add(check_in)
    db.session.flush()
    return check_in.id


def test_a_coordinator_erases_a_mentor_everywhere(any_app, crowded_round):
    program, _round, _winner, mentor, _ = crowded_round
    email = mentor.user.email
    client = any_app.test_client()
    sign_in(client, program.coordinator)
    url = f"/coordinator/mentors/{mentor.id}/erase"
    assert url in client.get(f"/coordinator/mentors/{mentor.id}").get_data(as_text=True)
    assert "This cannot be undone" in client.get(url).get_data(as_text=True)

    page = submit(client, url, {}).get_data(as_text=True)
    assert "personal data is erased" in page

    db.session.expire_all()
    assert_nowhere(MAYA, email)
    profile = db.session.get(MentorProfile, mentor.id)
    assert profile.user.name == "Erased mentor" and not profile.user.active
    assert profile.user.erased_at is not None and not profile.accepting
    reasons = db.session.scalars(select(UnmatchedApprentice.reason)).all()
    assert all("an erased mentor (" in r for r in reasons), reasons
    matches = db.session.scalars(select(MatchRound)).one().matches
    assert {m.status for m in matches} == {MatchStatus.REJECTED}, "no later round keeps it"
    assert matches[0].apprentice.status == "registered"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentor.erased"))
    assert event.actor_id == program.coordinator.id and event.subject_id == mentor.id


def test_a_mentor_with_a_running_mentorship_is_not_erased_and_is_told_why(any_app):
    program = build_program()
    mentor = make_mentor()
    match = make_round(
        program.cohort, [(make_apprentice(program), mentor, MatchStatus.APPROVED)]
    ).matches[0]
    publish_pair(match)
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, mentor.user)

    response = submit(client, "/account/erase", {})
    assert response.status_code == 409
    assert "mentors 1 apprentice now. End that mentorship first" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(MentorProfile, mentor.id).user.erased_at is None
    refused = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "mentor.erasure_refused")
    )
    assert refused is not None and "End that mentorship first" in refused.reason


def test_a_mentor_erases_their_own_data_and_is_signed_out(any_app):
    build_program()
    mentor = make_mentor()
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, mentor.user)
    assert "erase your data" in client.get("/mentor/").get_data(as_text=True)

    page = submit(client, "/account/erase", {}).get_data(as_text=True)
    assert "Your personal data is erased" in page
    db.session.expire_all()
    assert db.session.get(MentorProfile, mentor.id).user.erased_at is not None
    assert client.get("/mentor/").status_code in (302, 401)


@pytest.mark.parametrize("by", ["coordinator", "themselves"])
def test_partner_contacts_can_be_erased(any_app, by):
    program = build_program()
    contact = make_user(Role.PARTNER, "lee@lakeshore.example.org", "Lee Park", program.partner_a)
    db.session.add(AuditEvent(action="note", subject_type="X", subject_id=1, reason="Ask Lee Park"))
    db.session.commit()
    client = any_app.test_client()
    if by == "coordinator":
        sign_in(client, program.coordinator)
        account_page = client.get(f"/coordinator/admin/accounts/{contact.id}")
        erase_url = f"/coordinator/partner-contacts/{contact.id}/erase"
        assert f'href="{erase_url}"' in account_page.get_data(as_text=True)
        submit(client, erase_url, {})
    else:
        sign_in(client, contact)
        submit(client, "/account/erase", {})
    db.session.expire_all()
    assert_nowhere("Lee Park", "lee@lakeshore.example.org")
    erased = db.session.get(User, contact.id)
    assert erased.erased_at is not None and erased.partner_id == program.partner_a.id
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "partner_contact.erased" in actions


def test_only_coordinators_erase_others(any_app):
    program = build_program()
    mentor = make_mentor()
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, program.partner_a_user)
    assert client.get(f"/coordinator/mentors/{mentor.id}/erase").status_code == 403
    url = f"/coordinator/mentors/{mentor.id}/erase"
    assert submit(client, url, {}, form_url="/partner/tokens").status_code == 403
    db.session.expire_all()
    assert db.session.get(MentorProfile, mentor.id).user.erased_at is None


def test_many_names_are_scrubbed_in_one_go(any_app):
    names = [f"Person Number{n:03d}" for n in range(300)]
    db.session.add(
        AuditEvent(action="note", subject_type="X", subject_id=1, reason=" and ".join(names))
    )
    db.session.commit()
    assert scrub(Replacement.of(names, "someone")) == 1
    db.session.commit()
    reason = db.session.scalar(select(AuditEvent.reason))
    assert reason == " and ".join(["someone"] * 300)


def test_a_coordinator_withdraws_an_apprentice_on_their_behalf(any_app):
    program = build_program()
    apprentice = make_apprentice(program)
    match = make_round(program.cohort, [(apprentice, make_mentor(), MatchStatus.APPROVED)])
    mentorship = publish_pair(match.matches[0])
    name = apprentice.user.name
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, program.coordinator)
    url = f"/coordinator/apprentices/{apprentice.id}/erase"
    assert url in client.get(f"/coordinator/mentorships/{mentorship.id}/end").text
    assert "personal data is erased" in submit(client, url, {}).text
    db.session.expire_all()
    assert_nowhere(name)
    assert db.session.get(type(apprentice), apprentice.id).status == "withdrawn"
    assert client.get(url).status_code == 404, "nobody left to erase"
