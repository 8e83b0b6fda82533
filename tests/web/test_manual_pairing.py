"""Pairing an apprentice the round left alone by hand: only with a mentor the rules allow."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import make_user, sign_in, submit
from tests.factories import make_apprentice, make_mentor
from tests.web import setup_helpers
from tests.web.test_admin_refusals import ANY_TOKEN
from tests.web.test_coordinator_decisions import post
from tests.web.test_coordinator_rounds import latest_round, start_round
from web.extensions import db
from web.models import AuditEvent, ProposedMatch, Role, UnmatchedApprentice


def _round_with_one_left_alone(client, program):
    """Two apprentices, one mentor with one place: one apprentice is left without a mentor."""
    taken = make_mentor(capacity=1)
    make_apprentice(program)
    make_apprentice(program)
    db.session.commit()
    sign_in(client, program.coordinator)
    start_round(client, program)
    match_round = latest_round()
    [miss] = match_round.unmatched
    return match_round, miss.apprentice, taken


def test_feasible_mentors_are_ranked_and_the_others_say_why_not(client, program):
    match_round, apprentice, taken = _round_with_one_left_alone(client, program)
    good = make_mentor(skills=("python", "sql"))
    fair = make_mentor(skills=("gis",))
    polish = make_mentor(languages=["polish"])
    db.session.commit()

    url = f"/coordinator/rounds/{match_round.id}/unmatched/{apprentice.id}"
    html = client.get(url).get_data(as_text=True)

    assert "Mentors the rules allow (2)" in html
    allowed = html.split('id="feasible"')[1].split('id="not-feasible"')[0]
    assert allowed.index(good.user.name) < allowed.index(fair.user.name)
    others = html.split('id="not-feasible"')[1]
    assert taken.user.name in others and "no places this round" in others
    assert polish.user.name in others and "no shared language" in others
    assert "<li>no shared language: 1 mentor</li>" in others  # counted by rule
    assert "<li>no places this round: 1 mentor</li>" in others
    section = client.get(f"/coordinator/rounds/{match_round.id}/unmatched").get_data(as_text=True)
    assert url in section and "Pair by hand" in section
    assert client.get(f"/coordinator/rounds/{match_round.id}/unmatched/999").status_code == 404


def test_pairing_by_hand_adds_an_approved_locked_pair_that_a_rerun_keeps(client, program):
    match_round, apprentice, _ = _round_with_one_left_alone(client, program)
    mentor = make_mentor(skills=("python", "sql"))
    db.session.commit()
    url = f"/coordinator/rounds/{match_round.id}/unmatched/{apprentice.id}"

    page = submit(client, url, {"mentor_id": mentor.id}).get_data(as_text=True)

    assert f"Paired {apprentice.user.name} with {mentor.user.name}, approved and locked." in page
    assert "Apprentices without a mentor (0)" in page
    db.session.expire_all()
    pair = db.session.scalar(select(ProposedMatch).where(ProposedMatch.mentor_id == mentor.id))
    assert (pair.round_id, pair.apprentice_id) == (match_round.id, apprentice.id)
    assert (pair.status, pair.locked, pair.decided_by_id) == (
        "approved",
        True,
        program.coordinator.id,
    )
    assert 0 < pair.score <= 1 and pair.reason.startswith("Paired by hand by a coordinator; ")
    assert pair.components and pair.facts["overlap_minutes"] > 0
    assert pair.apprentice.status == "approved"
    assert db.session.scalar(select(UnmatchedApprentice.id)) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "match.paired_by_hand"))
    assert event.actor_id == program.coordinator.id and event.details["mentor_id"] == mentor.id

    again = submit(
        client, url, {"mentor_id": mentor.id}, form_url=f"/coordinator/rounds/{match_round.id}"
    )
    assert again.status_code == 404  # no longer without a mentor

    post(client, match_round, f"/coordinator/rounds/{match_round.id}/rerun")
    kept = {m.apprentice_id: m for m in latest_round().matches}[apprentice.id]
    assert (kept.mentor_id, kept.status) == (mentor.id, "approved")


def test_a_mentor_the_rules_forbid_is_refused_with_the_reason(client, program):
    match_round, apprentice, taken = _round_with_one_left_alone(client, program)
    polish = make_mentor(languages=["polish"])
    db.session.commit()
    url = f"/coordinator/rounds/{match_round.id}/unmatched/{apprentice.id}"

    def pair_with(mentor_id) -> str:
        return submit(client, url, {"mentor_id": mentor_id}, form_url=round_url).get_data(
            as_text=True
        )

    round_url = f"/coordinator/rounds/{match_round.id}"
    refused = pair_with(polish.id)
    assert f"{polish.user.name} cannot take this apprentice: no shared language." in refused
    assert "no places this round" in pair_with(taken.id)
    assert "This mentor does not take apprentices now" in pair_with("424242")
    assert "Choose a mentor from the list." in pair_with("x")

    db.session.expire_all()
    assert (
        db.session.scalar(select(ProposedMatch).where(ProposedMatch.mentor_id == polish.id)) is None
    )
    assert [u.apprentice_id for u in latest_round().unmatched] == [apprentice.id]


def test_a_reviewer_sees_the_mentors_but_cannot_pair(app, client, program):
    app.before_request(setup_helpers.forget_the_last_browser)  # two browsers, one app context
    match_round, apprentice, _ = _round_with_one_left_alone(client, program)
    mentor = make_mentor()
    reviewer = make_user(
        Role.COORDINATOR, "rey@city.example.gov", "Rey Reviewer", coordinator_role="reviewer"
    )
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, reviewer)
    url = f"/coordinator/rounds/{match_round.id}/unmatched/{apprentice.id}"

    page = browser.get(url).get_data(as_text=True)
    assert mentor.user.name in page and "Only a program admin pairs by hand" in page
    assert 'name="mentor_id"' not in page
    token = ANY_TOKEN.search(browser.get("/coordinator/").get_data(as_text=True)).group(1)
    refused = browser.post(url, data={"mentor_id": mentor.id, "csrf_token": token})
    assert refused.status_code == 403
    assert (
        db.session.scalar(select(ProposedMatch).where(ProposedMatch.mentor_id == mentor.id)) is None
    )


def test_only_the_latest_round_takes_a_pair_by_hand(client, program):
    match_round, apprentice, _ = _round_with_one_left_alone(client, program)
    post(client, match_round, f"/coordinator/rounds/{match_round.id}/rerun")
    mentor = make_mentor()
    db.session.commit()
    url = f"/coordinator/rounds/{match_round.id}/unmatched/{apprentice.id}"

    answer = submit(
        client, url, {"mentor_id": mentor.id}, form_url=f"/coordinator/cohorts/{program.cohort.id}"
    )

    assert "This is not the cohort&#39;s latest round." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert (
        db.session.scalar(select(ProposedMatch).where(ProposedMatch.mentor_id == mentor.id)) is None
    )
