"""Approving, rejecting and locking pairs; re-running a round; comparing two rounds."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import sign_in, submit
from tests.factories import make_apprentice, make_mentor
from tests.web.test_coordinator_rounds import latest_round, start_round
from web.extensions import db
from web.models import (
    ApprenticeProfile,
    AuditEvent,
    MatchStatus,
    ProposedMatch,
)


def post(client, match_round, url: str, data: dict | None = None):
    """Post a decision form of the round page, as the page itself would."""
    return submit(client, url, data or {}, form_url=f"/coordinator/rounds/{match_round.id}")


def matched_round(client, program, pairs: int = 1):
    """Sign in, make `pairs` apprentices each with a mentor, and run a round."""
    for _ in range(pairs):
        make_mentor()
        make_apprentice(program)
    db.session.commit()
    sign_in(client, program.coordinator)
    start_round(client, program)
    return latest_round()


def audit_count(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_approve_a_pair_once_even_if_the_form_is_sent_twice(client, program):
    match_round = matched_round(client, program)
    match = match_round.matches[0]
    url = f"/coordinator/matches/{match.id}/approve"

    first = post(client, match_round, url)
    second = post(client, match_round, url)

    assert "Approved" in first.get_data(as_text=True)
    assert "was already approved by Casey Coordinator" in second.get_data(as_text=True)
    db.session.expire_all()
    assert match.status == MatchStatus.APPROVED
    assert match.decided_by_id == program.coordinator.id and match.decided_at
    assert match.apprentice.status == "approved"
    assert audit_count("match.approved") == 1


def test_reject_needs_a_reason_and_sends_the_apprentice_back(client, program):
    match_round = matched_round(client, program)
    match = match_round.matches[0]
    url = f"/coordinator/matches/{match.id}/reject"

    empty = post(client, match_round, url, {"reason": "  "})
    assert empty.status_code == 400
    page = empty.get_data(as_text=True)
    error = f'<span class="usa-error-message" id="reason-{match.id}-error-1" role="alert">'
    assert error + "Say why you reject this pair.</span>" in page  # next to that pair's field
    assert f'aria-describedby="reason-{match.id}-error-1"' in page
    db.session.expire_all()
    assert match.status == MatchStatus.PROPOSED

    post(client, match_round, url, {"reason": "Mentor is on leave"})

    db.session.expire_all()
    assert match.status == MatchStatus.REJECTED
    assert match.decision_reason == "Mentor is on leave"
    assert match.apprentice.status == "registered"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "match.rejected"))
    assert event.reason == "Mentor is on leave" and event.actor_id == program.coordinator.id
    again = post(client, match_round, url, {"reason": "again"})
    assert "already rejected" in again.get_data(as_text=True)
    assert audit_count("match.rejected") == 1


def test_lock_toggles(client, program):
    match_round = matched_round(client, program)
    match = match_round.matches[0]
    url = f"/coordinator/matches/{match.id}/lock"

    assert "Pair locked" in post(client, match_round, url).get_data(as_text=True)
    db.session.expire_all()
    assert match.locked
    assert "Pair unlocked" in post(client, match_round, url).get_data(as_text=True)
    db.session.expire_all()
    assert not match.locked
    assert audit_count("match.locked") == 1 and audit_count("match.unlocked") == 1


def test_bulk_approve_says_how_many_pairs_then_approves_them(client, program):
    match_round = matched_round(client, program, pairs=3)
    first, second, third = match_round.matches
    url = f"/coordinator/rounds/{match_round.id}/approve"

    confirm = post(client, match_round, url, {"match_ids": [first.id, second.id]})
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "This will approve 2 pairs." in html
    db.session.expire_all()
    assert [m.status for m in (first, second, third)] == ["proposed"] * 3  # nothing done yet
    page = post(client, match_round, url, {"match_ids": [first.id, second.id], "confirmed": "yes"})
    assert "Approved 2 pairs." in page.get_data(as_text=True)
    db.session.expire_all()
    assert [m.status for m in (first, second, third)] == ["approved", "approved", "proposed"]
    assert {m.apprentice.status for m in (first, second)} == {"approved"}
    assert first.decided_by_id == program.coordinator.id and first.decided_at

    confirm = post(client, match_round, url, {"min_score": "0"})
    html = confirm.get_data(as_text=True)
    assert "This will approve 1 pair." in html and "2 already decided are left" in html
    page = post(client, match_round, url, {"min_score": "0", "confirmed": "yes"})
    assert "Approved 1 pair. 2 already decided" in page.get_data(as_text=True)
    db.session.expire_all()
    assert third.status == "approved"
    assert audit_count("match.bulk_approved") == 2
    again = post(client, match_round, url, {"min_score": "0"}).get_data(as_text=True)
    assert "nothing to approve" in again

    nothing = post(client, match_round, url, {})
    assert "Select pairs to approve, or give a minimum score." in nothing.get_data(as_text=True)
    bad = post(client, match_round, url, {"min_score": "3"})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "Give a score from 0 to 1." in page
    assert 'id="approve_min_score"' in page and 'value="3"' in page  # the typed value stays


def test_a_decision_returns_to_the_same_filtered_page_and_pair(client, program):
    match_round = matched_round(client, program, pairs=2)
    match = match_round.matches[0]
    back = f"partner={program.partner_a.name}&sort=mentor&dir=asc&page=1&evil=x"
    form_url = f"/coordinator/rounds/{match_round.id}?{back}"

    answer = submit(
        client,
        f"/coordinator/matches/{match.id}/approve",
        {"back": back},
        form_url=form_url,
        follow=False,
    )

    location = answer.headers["Location"]
    assert location.endswith(f"#pair-{match.id}")
    assert "sort=mentor" in location and "dir=asc" in location and "partner=" in location
    assert "evil" not in location


def test_rerun_keeps_approved_and_locked_pairs_and_never_reproposes_rejected(client, program):
    mentors = [make_mentor() for _ in range(4)]
    apprentices = [make_apprentice(program) for _ in range(3)]
    db.session.commit()
    sign_in(client, program.coordinator)
    start_round(client, program, objective="max_score", weight_skills="0.6")
    first = latest_round()
    pair = {m.apprentice_id: m for m in first.matches}
    approved, locked, rejected = (pair[a.id] for a in apprentices)
    post(client, first, f"/coordinator/matches/{approved.id}/approve")
    post(client, first, f"/coordinator/matches/{locked.id}/lock")
    post(client, first, f"/coordinator/matches/{rejected.id}/reject", {"reason": "Clash"})

    page = post(client, first, f"/coordinator/rounds/{first.id}/rerun")

    assert "started with the same settings" in page.get_data(as_text=True)
    second = latest_round()
    assert second.id != first.id and second.previous_round_id == first.id
    assert second.parameters == first.parameters
    now = {m.apprentice_id: m for m in second.matches}
    kept = now[approved.apprentice_id]
    assert (kept.mentor_id, kept.status, kept.locked) == (approved.mentor_id, "approved", False)
    relocked = now[locked.apprentice_id]
    assert (relocked.mentor_id, relocked.status, relocked.locked) == (
        locked.mentor_id,
        "proposed",
        True,
    )
    assert now[rejected.apprentice_id].mentor_id != rejected.mentor_id
    assert {m.id for m in mentors} >= {m.mentor_id for m in second.matches}
    statuses = dict(
        db.session.execute(select(ApprenticeProfile.id, ApprenticeProfile.status)).all()
    )
    assert statuses[approved.apprentice_id] == "approved"
    assert statuses[rejected.apprentice_id] == "proposed"

    # The old round is closed to decisions now.
    stale = post(client, first, f"/coordinator/matches/{locked.id}/approve")
    assert "is no longer the cohort" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProposedMatch, locked.id).status == "proposed"

    # And a third round still keeps the approved pair and avoids the rejected one.
    post(client, second, f"/coordinator/rounds/{second.id}/rerun")
    third = latest_round()
    again = {m.apprentice_id: m for m in third.matches}
    assert again[approved.apprentice_id].mentor_id == approved.mentor_id
    assert again[approved.apprentice_id].status == "approved"
    assert again[rejected.apprentice_id].mentor_id != rejected.mentor_id


def test_compare_two_rounds(client, program):
    make_mentor()
    make_mentor()
    apprentice = make_apprentice(program)
    db.session.commit()
    sign_in(client, program.coordinator)
    start_round(client, program)
    first = latest_round()
    before = first.matches[0]
    post(client, first, f"/coordinator/matches/{before.id}/reject", {"reason": "Clash"})
    post(client, first, f"/coordinator/rounds/{first.id}/rerun")
    second = latest_round()
    after = second.matches[0]

    html = client.get(f"/coordinator/rounds/{first.id}/compare/{second.id}").get_data(as_text=True)

    assert "Changed mentor (0)" in html  # the rejected pair does not count as matched
    assert "Newly matched (1)" in html
    assert apprentice.user.name in html and after.mentor.user.name in html
    assert "Apprentices matched" in html and "Mean score" in html
    round_page = client.get(f"/coordinator/rounds/{second.id}").get_data(as_text=True)
    assert f"/coordinator/rounds/{first.id}/compare/{second.id}" in round_page
    assert client.get(f"/coordinator/rounds/{first.id}/compare/999").status_code == 404


def test_a_refused_rejection_keeps_the_reviews_filters_and_order(client, program):
    match_round = matched_round(client, program, pairs=2)
    match = match_round.matches[0]
    url = f"/coordinator/matches/{match.id}/reject"

    page = post(client, match_round, url, {"reason": " ", "back": "sort=mentor&dir=asc&page=1"})

    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'name="back" value="sort=mentor&amp;dir=asc&amp;page=1"' in html
    assert html.count('aria-sort="ascending"') == 1 and ">Mentor <span" in html
    assert f'id="why-{match.id}" class="pathways-why pathways-why--open"' in html
