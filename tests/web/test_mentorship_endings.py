"""Ending a mentorship records why: completed, ended early (with a reason), or declined."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import build_program, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    ApprenticeStatus,
    AuditEvent,
    MatchRound,
    MatchStatus,
    Mentorship,
    MentorshipStatus,
    ProposedMatch,
    UnmatchedApprentice,
)
from web.services import rounds


@pytest.fixture
def pair(any_app):
    """A running pair, and a spare mentor who fits its apprentice."""
    program = build_program()
    apprentice, mentor = make_apprentice(program), make_mentor()
    match = make_round(program.cohort, [(apprentice, mentor, MatchStatus.APPROVED)]).matches[0]
    mentorship = publish_pair(match)
    make_mentor()
    db.session.commit()
    return program, mentorship


@pytest.fixture
def ending(any_app, pair):
    """The running pair, and a client signed in as the coordinator."""
    program, mentorship = pair
    client = any_app.test_client()
    sign_in(client, program.coordinator)
    return client, program, mentorship


def end(client, mentorship: Mentorship, **form):
    url = f"/coordinator/mentorships/{mentorship.id}/end"
    return submit(client, url, form)


def next_round_takes(program, apprentice_id: int) -> bool:
    """Run the cohort's next round; True if the apprentice was in it (paired or not)."""
    match_round = rounds.start_round(program.cohort, {}, program.coordinator)
    db.session.commit()  # the round runs in-process once this commits
    db.session.expire_all()
    assert db.session.get(MatchRound, match_round.id).status == "succeeded"
    taken = select(ProposedMatch.apprentice_id).where(ProposedMatch.round_id == match_round.id)
    missed = select(UnmatchedApprentice.apprentice_id).where(
        UnmatchedApprentice.round_id == match_round.id
    )
    return apprentice_id in {*db.session.scalars(taken), *db.session.scalars(missed)}


def ended_event() -> AuditEvent:
    return db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentorship.ended"))


def test_a_completed_apprentice_is_completed_and_not_matched_again(ending):
    client, program, mentorship = ending
    page = end(client, mentorship, outcome="completed", reason="A good year.")
    assert "recorded as completed" in page.get_data(as_text=True)

    db.session.expire_all()
    ended = db.session.get(Mentorship, mentorship.id)
    assert (ended.status, ended.end_outcome) == (MentorshipStatus.ENDED, "completed")
    assert ended.apprentice.status == ApprenticeStatus.COMPLETED
    assert ended_event().details["outcome"] == "completed"
    assert not next_round_takes(program, ended.apprentice_id)


def test_ended_early_without_the_tick_leaves_the_apprentice_out(ending):
    client, program, mentorship = ending
    end(client, mentorship, outcome="ended_early", reason="The apprentice moved away.")

    db.session.expire_all()
    ended = db.session.get(Mentorship, mentorship.id)
    assert (ended.end_outcome, ended.end_reason) == ("ended_early", "The apprentice moved away.")
    assert ended.apprentice.status == ApprenticeStatus.ENDED
    event = ended_event()
    assert event.reason == "The apprentice moved away."
    assert event.details["back_to_pool"] is False
    assert not next_round_takes(program, ended.apprentice_id)


def test_ended_early_with_the_tick_goes_back_to_the_pool(ending):
    client, program, mentorship = ending
    end(client, mentorship, outcome="ended_early", reason="Mentor left.", back_to_pool="y")

    db.session.expire_all()
    ended = db.session.get(Mentorship, mentorship.id)
    assert ended.apprentice.status == ApprenticeStatus.REGISTERED
    assert ended.apprentice.exclude_mentor_ids == [ended.mentor_id]
    assert ended_event().details["back_to_pool"] is True
    assert next_round_takes(program, ended.apprentice_id)
    again = db.session.scalars(
        select(ProposedMatch.mentor_id).where(ProposedMatch.apprentice_id == ended.apprentice_id)
    ).all()
    assert again.count(ended.mentor_id) == 1, "never again with the same mentor"


def test_declined_is_recorded_as_declined(ending):
    client, _program, mentorship = ending
    end(client, mentorship, outcome="declined", reason="The apprentice found a job.")
    db.session.expire_all()
    ended = db.session.get(Mentorship, mentorship.id)
    assert (ended.status, ended.end_outcome) == (MentorshipStatus.DECLINED, "declined")
    assert ended.apprentice.status == ApprenticeStatus.ENDED


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"outcome": "ended_early"}, "Say why the mentorship ended early."),
        ({"outcome": "completed", "back_to_pool": "y"}, "A completed apprentice is not matched"),
        ({"reason": "no outcome"}, "Choose how the mentorship ends."),
        ({"outcome": "vanished", "reason": "?"}, "Not a valid choice"),
    ],
)
def test_refused_endings_say_why_keep_the_text_and_change_nothing(ending, form, message):
    client, _program, mentorship = ending
    response = end(client, mentorship, **form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    if "reason" in form:
        assert form["reason"] in html, "what was typed stays"
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship.id).status == MentorshipStatus.ACTIVE
    assert ended_event() is None


def test_the_mentors_own_decline_is_recorded_as_declined(any_app, pair):
    _program, mentorship = pair
    mentorship.status = MentorshipStatus.AWAITING_MENTOR
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, mentorship.mentor.user)
    submit(
        client,
        f"/mentor/mentorships/{mentorship.id}/decline",
        {"reason": "No time this year."},
    )
    db.session.expire_all()
    declined = db.session.get(Mentorship, mentorship.id)
    assert (declined.status, declined.end_outcome) == (MentorshipStatus.DECLINED, "declined")
    profile = db.session.get(ApprenticeProfile, declined.apprentice_id)
    assert profile.status == ApprenticeStatus.REGISTERED


def test_ending_an_ended_mentorship_is_refused_and_audited(ending):
    client, _program, mentorship = ending
    end(client, mentorship, outcome="completed")
    url = f"/coordinator/mentorships/{mentorship.id}/end"
    form = {"outcome": "ended_early", "reason": "Again?"}
    page = submit(client, url, form, form_url="/coordinator/import")  # as from an old tab
    assert "This mentorship was already ended on" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship.id).end_outcome == "completed"
    refused = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "mentorship.end_refused")
    )
    assert refused.subject_id == mentorship.id and "already ended" in refused.reason
