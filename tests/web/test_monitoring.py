"""Watching running mentorships: flags, the coordinator's list, and ending a pair."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    AuditEvent,
    CheckIn,
    MatchStatus,
    Mentorship,
    MentorshipStatus,
)
from web.services.monitoring import flags_for, previous_month

NOW = datetime(2027, 5, 15, 12, 0, tzinfo=UTC)
APRIL = "2027-04"


def make_mentorship(
    program, *, status=MentorshipStatus.ACTIVE, days_ago=60, check_ins=(), now=None
):
    """A pair published `days_ago` days before `now`, with (role, month, rating) check-ins."""
    pair = (make_apprentice(program), make_mentor(), MatchStatus.APPROVED)
    match = make_round(program.cohort, [pair], score=0.7).matches[0]
    published_at = (now or datetime.now(UTC)) - timedelta(days=days_ago)
    mentorship = publish_pair(match, status, published_at=published_at)
    for n, (role, month, rating) in enumerate(check_ins):
        mentorship.check_ins.append(
            CheckIn(
                author_role=role,
                month=month,
                rating=rating,
                created_at=datetime(2027, 5, 1, tzinfo=UTC) + timedelta(hours=n),
            )
        )
    db.session.commit()
    return mentorship


def at(mentorship: Mentorship) -> list[str]:
    """The flags of `mentorship` on May 15, 2027."""
    return flags_for(mentorship, NOW)


def test_previous_month_crosses_the_year():
    assert previous_month(datetime(2027, 1, 10).date()) == "2026-12"
    assert previous_month(NOW.date()) == APRIL


def test_both_sides_checked_in_with_good_ratings_raises_no_flag(program):
    ok = make_mentorship(
        program, now=NOW, check_ins=[("apprentice", APRIL, 4), ("mentor", APRIL, 5)]
    )
    assert at(ok) == []


def test_missing_check_ins_name_the_side(program):
    nobody = make_mentorship(program, now=NOW)
    mentor_only = make_mentorship(program, now=NOW, check_ins=[("mentor", APRIL, 4)])
    stale = make_mentorship(program, now=NOW, check_ins=[("mentor", "2027-03", 4)])
    assert at(nobody) == ["No check-in for 2027-04 from either side"]
    assert at(mentor_only) == ["No check-in for 2027-04 from the apprentice"]
    assert at(stale) == ["No check-in for 2027-04 from either side"]


def test_a_pair_published_this_month_owes_no_check_in_yet(program):
    fresh = make_mentorship(program, now=NOW, days_ago=3)
    assert at(fresh) == []


def test_low_rating_in_either_sides_latest_check_in(program):
    unhappy = make_mentorship(
        program,
        check_ins=[("mentor", "2027-03", 5), ("apprentice", APRIL, 2), ("mentor", APRIL, 4)],
    )
    recovered = make_mentorship(
        program,
        check_ins=[("apprentice", "2027-03", 1), ("apprentice", APRIL, 4), ("mentor", APRIL, 3)],
    )
    assert at(unhappy) == ["Low rating: 2 of 5 from the apprentice (2027-04)"]
    assert at(recovered) == []


def test_mentor_silent_for_a_week(program):
    silent = make_mentorship(program, now=NOW, status=MentorshipStatus.AWAITING_MENTOR, days_ago=9)
    recent = make_mentorship(program, now=NOW, status=MentorshipStatus.AWAITING_MENTOR, days_ago=2)
    assert at(silent) == ["Mentor has not responded for 9 days"]
    assert at(recent) == []


@pytest.fixture
def coordinator_client(client, program):
    sign_in(client, program.coordinator)
    return client


def test_the_list_shows_flags_and_filters_flagged_only(coordinator_client, program):
    last_month = previous_month(datetime.now(UTC).date())
    both = [("apprentice", last_month, 4), ("mentor", last_month, 4)]
    quiet = make_mentorship(program, days_ago=2, check_ins=both)
    silent = make_mentorship(program, status=MentorshipStatus.AWAITING_MENTOR, days_ago=9)
    page = coordinator_client.get("/coordinator/mentorships").get_data(as_text=True)
    assert quiet.apprentice.display_name in page and silent.apprentice.display_name in page
    assert "Mentor has not responded for 9 days" in page

    flagged = coordinator_client.get("/coordinator/mentorships?flagged=y").get_data(as_text=True)
    assert silent.apprentice.display_name in flagged
    assert quiet.apprentice.display_name not in flagged
    other = coordinator_client.get(f"/coordinator/mentorships?cohort={program.cohort.id + 1}")
    assert "No mentorships match." in other.get_data(as_text=True)


def test_ending_a_pair_frees_the_apprentice_for_the_next_round(coordinator_client, program):
    mentorship = make_mentorship(program)
    url = f"/coordinator/mentorships/{mentorship.id}/end"
    form = {"outcome": "ended_early", "reason": "The mentor moved to another city."}
    page = submit(coordinator_client, url, form | {"back_to_pool": "y"})
    assert "will be matched again in the next round" in page.get_data(as_text=True)

    db.session.expire_all()
    ended = db.session.get(Mentorship, mentorship.id)
    assert ended.status == MentorshipStatus.ENDED and ended.ended_at is not None
    assert ended.end_reason == "The mentor moved to another city."
    assert ended.apprentice.status == ApprenticeStatus.REGISTERED
    assert ended.apprentice.exclude_mentor_ids == [ended.mentor_id]
    assert ended.match.status == MatchStatus.REJECTED, "the next round must not carry it over"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentorship.ended"))
    assert audit.subject_id == mentorship.id and audit.actor_id == program.coordinator.id


def test_ending_twice_says_it_already_ended(coordinator_client, program):
    mentorship = make_mentorship(program)
    url = f"/coordinator/mentorships/{mentorship.id}/end"
    submit(coordinator_client, url, {"outcome": "ended_early", "reason": "Finished early."})
    again = coordinator_client.get(url).get_data(as_text=True)
    assert "This mentorship was already ended on" in again
    assert 'name="reason"' not in again


def test_ending_needs_a_reason(coordinator_client, program):
    mentorship = make_mentorship(program)
    url = f"/coordinator/mentorships/{mentorship.id}/end"
    response = submit(coordinator_client, url, {"outcome": "ended_early"})
    assert response.status_code == 400
    assert "Say why the mentorship ended early" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship.id).status == MentorshipStatus.ACTIVE


def test_ending_an_unknown_mentorship_is_not_found(coordinator_client, program):
    assert coordinator_client.get("/coordinator/mentorships/999/end").status_code == 404


@pytest.mark.parametrize("who", ["partner_a_user", "mentor"])
def test_only_coordinators_see_or_end_mentorships(client, program, who):
    mentorship = make_mentorship(program)
    sign_in(client, mentorship.mentor.user if who == "mentor" else program.partner_a_user)
    assert client.get("/coordinator/mentorships").status_code == 403
    assert client.get(f"/coordinator/mentorships/{mentorship.id}/end").status_code == 403
