"""Long lists kept by each web process until the program changes (a round's pairs and
unmatched apprentices, a partner's apprentices in a cohort): never out of date, never
holding one person's token, typing or partner for another."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_token_from, make_user, sign_in
from tests.factories import make_apprentice, make_mentor, make_round
from tests.web.auth_helpers import each_request_starts_from_its_own_cookies  # noqa: F401
from tests.web.program_at_size import counted_statements
from web.coordinator.round_review import CSRF_PLACEHOLDER
from web.extensions import db
from web.models import (
    ApprenticeStatus,
    MatchStatus,
    ProposedMatch,
    Role,
    UnmatchedApprentice,
)


def _round_with_pairs(program, pairs: int = 2):
    match_round = make_round(
        program.cohort,
        [(make_apprentice(program), make_mentor(), MatchStatus.PROPOSED) for _ in range(pairs)],
    )
    db.session.commit()
    return match_round.id


def _view(client, url: str) -> tuple[str, int]:
    with counted_statements(db.engine) as count:
        html = client.get(url).get_data(as_text=True)
    return html, count[0]


def test_a_second_view_reads_less_and_its_token_still_works(client, program):
    round_id = _round_with_pairs(program)
    sign_in(client, program.coordinator)
    url = f"/coordinator/rounds/{round_id}"

    first, first_count = _view(client, url)
    second, second_count = _view(client, url)

    assert second_count < first_count
    assert second.count('name="csrf_token"') == first.count('name="csrf_token"') > 2
    assert str(CSRF_PLACEHOLDER) not in first + second
    match_id = db.session.scalars(select(ProposedMatch.id).order_by(ProposedMatch.id)).first()
    answer = client.post(
        f"/coordinator/matches/{match_id}/approve",
        data={"csrf_token": csrf_token_from(second), "back": ""},
    )
    assert answer.status_code == 302
    assert db.session.get(ProposedMatch, match_id).status == MatchStatus.APPROVED


def test_a_decision_shows_on_the_next_view(client, program):
    round_id = _round_with_pairs(program)
    sign_in(client, program.coordinator)
    url = f"/coordinator/rounds/{round_id}"
    approved = 'pathways-status--approved">Approved'
    before, _ = _view(client, url)
    assert approved not in before

    match = db.session.scalars(select(ProposedMatch).order_by(ProposedMatch.id)).first()
    match.status = MatchStatus.APPROVED
    db.session.commit()

    after, _ = _view(client, url)
    assert approved in after.split(f'id="pair-{match.id}"')[1].split("</tr>")[0]


def test_each_view_of_the_list_is_kept_apart(client, program):
    round_id = _round_with_pairs(program, pairs=3)
    sign_in(client, program.coordinator)
    url = f"/coordinator/rounds/{round_id}"
    names = sorted(p.apprentice.user.name for p in db.session.scalars(select(ProposedMatch)))

    ascending = client.get(url, query_string={"sort": "apprentice", "dir": "asc"})
    descending = client.get(url, query_string={"sort": "apprentice", "dir": "desc"})

    up, down = ascending.get_data(as_text=True), descending.get_data(as_text=True)
    assert up.index(names[0]) < up.index(names[-1])
    assert down.index(names[-1]) < down.index(names[0])


def test_a_refused_form_is_shown_to_its_sender_only_and_never_kept(app, client, program):
    round_id = _round_with_pairs(program)
    sign_in(client, program.coordinator)
    url = f"/coordinator/rounds/{round_id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    match_id = db.session.scalars(select(ProposedMatch.id)).first()

    refused = client.post(
        f"/coordinator/matches/{match_id}/reject",
        data={"csrf_token": token, "reason": " ", "back": ""},
    )

    assert refused.status_code == 400
    assert "Say why you reject this pair." in refused.get_data(as_text=True)
    kept = "".join(app.extensions["kept_parts"].parts.values())
    assert kept and "Say why you reject this pair." not in kept
    assert "Say why you reject this pair." not in client.get(url).get_data(as_text=True)


def test_a_reviewer_never_gets_the_admins_buttons(app, program):
    round_id = _round_with_pairs(program)
    reviewer = make_user(
        Role.COORDINATOR, "rey@city.example.gov", "Rey Reviewer", coordinator_role="reviewer"
    )
    db.session.commit()
    admin, reader = app.test_client(), app.test_client()
    sign_in(admin, program.coordinator)
    sign_in(reader, reviewer)
    url = f"/coordinator/rounds/{round_id}"

    assert "data-approve" in admin.get(url).get_data(as_text=True)
    assert "data-approve" not in reader.get(url).get_data(as_text=True)
    assert "data-approve" in admin.get(url).get_data(as_text=True)


def test_the_unmatched_apprentices_follow_a_rename(client, program):
    apprentice = make_apprentice(program)
    match_round = make_round(program.cohort, [])
    db.session.add(
        UnmatchedApprentice(
            round_id=match_round.id, apprentice_id=apprentice.id, code="x", reason="No one"
        )
    )
    db.session.commit()
    sign_in(client, program.coordinator)
    url = f"/coordinator/rounds/{match_round.id}/unmatched"
    assert apprentice.user.name in client.get(url).get_data(as_text=True)

    apprentice.user.name = "Renamed Apprentice"
    db.session.commit()

    assert "Renamed Apprentice" in client.get(url).get_data(as_text=True)


def test_a_partners_list_is_kept_per_partner_filter_and_page_and_follows_changes(app, program):
    mine = make_apprentice(program)
    theirs = make_apprentice(program, program.partner_b)
    db.session.commit()
    partner_a, partner_b = app.test_client(), app.test_client()
    sign_in(partner_a, program.partner_a_user)
    sign_in(partner_b, program.partner_b_user)
    url = f"/partner/cohorts/{program.cohort.id}"

    first, first_count = _view(partner_a, url)
    again, again_count = _view(partner_a, url)
    other, _ = _view(partner_b, url)
    assert mine.user.name in first and theirs.user.name not in first
    assert again_count < first_count and again == first
    assert theirs.user.name in other and mine.user.name not in other
    waiting, _ = _view(partner_a, url + "?status=approved")
    assert mine.user.name not in waiting

    mine.status = ApprenticeStatus.APPROVED
    db.session.commit()

    assert mine.user.name in _view(partner_a, url + "?status=approved")[0]


def test_the_round_settings_show_the_last_rounds_values_and_each_its_own_token(app, program):
    admin, other = app.test_client(), app.test_client()
    sign_in(admin, program.coordinator)
    url = f"/coordinator/cohorts/{program.cohort.id}"
    before = admin.get(url).get_data(as_text=True)
    assert 'name="min_overlap_minutes"' in before and 'value="60"' in before

    make_round(program.cohort, [], parameters={"min_overlap_minutes": 90, "objective": "max_score"})
    db.session.commit()
    after = admin.get(url).get_data(as_text=True)
    assert 'value="90"' in after and 'value="60"' not in after
    sign_in(other, program.coordinator)
    again = other.get(url).get_data(as_text=True)
    assert 'value="90"' in again
    assert csrf_token_from(again) != csrf_token_from(after)
