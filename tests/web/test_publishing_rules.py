"""Publishing only the cohort's latest finished round, and never a pair a later round rejected.

On SQLite and PostgreSQL: the refusals are rules of the stored rounds and decisions.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import build_program, csrf_token_from, sign_in
from tests.factories import make_apprentice, make_mentor, make_round
from web.extensions import db
from web.models import AuditEvent, MatchStatus, Mentorship, RoundStatus
from web.services import publishing


@pytest.fixture
def rounds(any_app):
    """Round 2 approved pairs P and Q; round 3 of the same cohort rejected P."""
    program = build_program()
    p_apprentice, p_mentor = make_apprentice(program), make_mentor()
    q_apprentice, q_mentor = make_apprentice(program), make_mentor()
    approved = [
        (p_apprentice, p_mentor, MatchStatus.APPROVED),
        (q_apprentice, q_mentor, MatchStatus.APPROVED),
    ]
    round_2 = make_round(program.cohort, approved)
    round_3 = make_round(
        program.cohort,
        [
            (p_apprentice, p_mentor, MatchStatus.REJECTED),
            (q_apprentice, q_mentor, MatchStatus.APPROVED),
        ],
        previous_round_id=round_2.id,
    )
    db.session.commit()
    client = any_app.test_client()
    sign_in(client, program.coordinator)
    return client, program, round_2, round_3, (p_apprentice, p_mentor)


def publish(client, round_id: int):
    page = client.get(f"/coordinator/rounds/{round_id}").get_data(as_text=True)
    token = csrf_token_from(page)
    return client.post(
        f"/coordinator/rounds/{round_id}/publish",
        data={"csrf_token": token},
        follow_redirects=True,
    )


def mentorship_pairs() -> set[tuple[int, int]]:
    rows = db.session.execute(select(Mentorship.apprentice_id, Mentorship.mentor_id))
    return {(apprentice_id, mentor_id) for apprentice_id, mentor_id in rows}


def emails_sent() -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == "notification.sent"))


def test_an_older_round_is_refused_with_a_reason_and_audited(rounds):
    client, program, round_2, round_3, _ = rounds

    page = publish(client, round_2.id).get_data(as_text=True)

    assert (
        f"Round {round_2.id} cannot be published: round {round_3.id} of this cohort is newer"
        in page
    )
    # Before, this created round 2's mentorship for the pair round 3 rejected, and emailed it.
    assert mentorship_pairs() == set()
    assert emails_sent() == 0
    db.session.expire_all()
    assert round_2.published_at is None
    refusal = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "round.publish_refused")
    )
    assert refusal.subject_id == round_2.id and refusal.actor_id == program.coordinator.id
    assert refusal.reason == f"round {round_3.id} of the cohort is newer"
    assert refusal.details == {"latest": round_3.id}


def test_the_latest_round_publishes_and_leaves_its_rejected_pair_out(rounds):
    client, _, _, round_3, (p_apprentice, p_mentor) = rounds

    page = publish(client, round_3.id).get_data(as_text=True)

    assert "Published 1 new pair." in page
    assert (p_apprentice.id, p_mentor.id) not in mentorship_pairs()
    assert len(mentorship_pairs()) == 1
    assert emails_sent() > 0


def test_a_pair_rejected_by_a_later_round_is_never_published(rounds):
    client, program, round_2, round_3, (p_apprentice, p_mentor) = rounds
    # Round 3 is being run again, so round 2 is the latest finished round; its rejection stands.
    round_3.status = RoundStatus.RUNNING
    db.session.commit()

    page = publish(client, round_2.id).get_data(as_text=True)

    assert "Published 1 new pair." in page
    assert "1 pair(s) were rejected in a later round and are never published." in page
    assert (p_apprentice.id, p_mentor.id) not in mentorship_pairs()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.published"))
    assert event.details["skipped_rejected_later"] == 1


def test_a_failed_later_round_does_not_block_publishing(rounds):
    client, _, round_2, round_3, _ = rounds
    round_3.status = RoundStatus.FAILED
    db.session.commit()

    assert publishing.latest_finished_round(round_2.cohort_id).id == round_2.id
    assert "Published 1 new pair." in publish(client, round_2.id).get_data(as_text=True)
