"""Kept pairs survive a re-run, comparison totals add up, check-ins are due after a full month."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair, round_form
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    MatchRound,
    MatchStatus,
    MentorshipStatus,
    UnmatchedApprentice,
)
from web.services.monitoring import flags_for
from web.services.round_changes import compare_rounds

NOW = datetime(2027, 5, 15, 12, 0, tzinfo=UTC)


def run_new_round(client, program) -> MatchRound:
    """Start a round from the cohort page (it runs in-process) and return it."""
    url = f"/coordinator/cohorts/{program.cohort.id}"
    submit(client, f"{url}/rounds", round_form(), form_url=url)
    db.session.expire_all()
    return db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()


def pairs_of(match_round: MatchRound) -> dict[int, tuple[int, str]]:
    return {m.apprentice_id: (m.mentor_id, m.status) for m in match_round.matches}


@pytest.mark.parametrize("decision", ["approved", "locked"])
def test_a_kept_pair_stays_when_its_mentor_stops_accepting(client, program, decision):
    mentor = make_mentor(capacity=3)
    kept, newcomer = make_apprentice(program), make_apprentice(program)
    status = MatchStatus.APPROVED if decision == "approved" else MatchStatus.PROPOSED
    first = make_round(program.cohort, [(kept, mentor, status)])
    first.matches[0].locked = decision == "locked"
    kept.status = ApprenticeStatus.APPROVED if decision == "approved" else kept.status
    mentor.accepting = False  # the mentor unticked "accepting apprentices" since
    db.session.commit()
    sign_in(client, program.coordinator)

    second = run_new_round(client, program)

    assert second.previous_round_id == first.id
    assert pairs_of(second)[kept.id][0] == mentor.id, "the kept pair is still there"
    if decision == "approved":
        assert pairs_of(second)[kept.id][1] == MatchStatus.APPROVED
    assert newcomer.id not in pairs_of(second), "a mentor not accepting takes nobody new"
    assert newcomer.id in {u.apprentice_id for u in second.unmatched}


def test_a_mentor_not_accepting_without_kept_pairs_stays_out(client, program):
    mentor = make_mentor(capacity=3)
    mentor.accepting = False
    apprentice = make_apprentice(program)
    db.session.commit()
    sign_in(client, program.coordinator)

    match_round = run_new_round(client, program)

    assert match_round.matches == []
    assert [u.apprentice_id for u in match_round.unmatched] == [apprentice.id]


def test_comparison_totals_count_every_apprentice_once(program):
    mentor = make_mentor(capacity=3)
    a, b, c = (make_apprentice(program) for _ in range(3))
    before = make_round(program.cohort, [(a, mentor, MatchStatus.APPROVED)])
    db.session.add(UnmatchedApprentice(round_id=before.id, apprentice_id=b.id, code="x", reason=""))
    db.session.add(UnmatchedApprentice(round_id=before.id, apprentice_id=c.id, code="x", reason=""))
    after = make_round(
        program.cohort,
        [(a, mentor, MatchStatus.APPROVED), (b, mentor, MatchStatus.REJECTED)],
        previous_round_id=before.id,
    )
    db.session.add(UnmatchedApprentice(round_id=after.id, apprentice_id=c.id, code="x", reason=""))
    db.session.commit()
    db.session.expire_all()

    comparison = compare_rounds(before, after)

    for totals in (comparison.before, comparison.after):
        assert totals.matched + totals.unmatched == 3
    assert (comparison.after.matched, comparison.after.unmatched) == (1, 2)
    assert comparison.newly_matched == [], "a rejected pair is no match"


def test_comparison_page_shows_the_rejected_apprentice_without_a_mentor(client, program):
    mentor = make_mentor(capacity=3)
    a, b = make_apprentice(program), make_apprentice(program)
    before = make_round(program.cohort, [(a, mentor, MatchStatus.APPROVED)])
    db.session.add(UnmatchedApprentice(round_id=before.id, apprentice_id=b.id, code="x", reason=""))
    after = make_round(
        program.cohort, [(a, mentor, MatchStatus.APPROVED), (b, mentor, MatchStatus.REJECTED)]
    )
    db.session.commit()
    sign_in(client, program.coordinator)

    page = client.get(f"/coordinator/rounds/{before.id}/compare/{after.id}").get_data(as_text=True)

    row = page.split("Apprentices without a mentor</th>")[1].split("</tr>")[0]
    assert row.count(">1</td>") == 2, row


def mentorship(program, published: datetime, responded: datetime | None):
    """An active pair published and confirmed by its mentor at the given times."""
    pair = (make_apprentice(program), make_mentor(), MatchStatus.APPROVED)
    match = make_round(program.cohort, [pair]).matches[0]
    made = publish_pair(
        match, MentorshipStatus.ACTIVE, published_at=published, responded_at=responded
    )
    db.session.commit()
    return made


def missing(flags: list[str]) -> list[str]:
    return [f for f in flags if f.startswith("No check-in")]


@pytest.mark.parametrize(
    ("published", "responded"),
    [
        (datetime(2027, 4, 20, tzinfo=UTC), datetime(2027, 4, 22, tzinfo=UTC)),
        (datetime(2027, 3, 25, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC)),
        (datetime(2027, 4, 30, 23, tzinfo=UTC), None),
    ],
)
def test_no_check_in_is_due_for_a_month_the_pair_did_not_run_in_full(program, published, responded):
    pair = mentorship(program, published, responded)
    assert missing(flags_for(pair, NOW)) == []


@pytest.mark.parametrize(
    ("published", "responded"),
    [
        (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 3, tzinfo=UTC)),
        (datetime(2027, 3, 20, tzinfo=UTC), None),  # older records lack the confirmation time
    ],
)
def test_a_pair_running_all_last_month_owes_its_check_in(program, published, responded):
    pair = mentorship(program, published, responded)
    assert missing(flags_for(pair, NOW)) == ["No check-in for 2027-04 from either side"]
