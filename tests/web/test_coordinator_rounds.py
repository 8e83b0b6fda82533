"""A coordinator's matching round through the forms: settings, progress, results, failures."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import func, select

from tests.conftest import build_program, sign_in, submit
from tests.factories import make_apprentice, make_mentor, make_round, round_form
from tests.web.program_at_size import counted_statements
from web.extensions import db
from web.models import (
    AuditEvent,
    MatchRound,
    ProposedMatch,
    RoundStatus,
    UnmatchedApprentice,
)
from web.services import rounds


def start_round(client, program, **overrides):
    """Submit the round settings form of the program's cohort."""
    cohort_url = f"/coordinator/cohorts/{program.cohort.id}"
    return submit(client, f"{cohort_url}/rounds", round_form(**overrides), form_url=cohort_url)


def latest_round() -> MatchRound:
    db.session.expire_all()
    return db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()


def test_a_round_runs_end_to_end_and_shows_pairs_reasons_and_report(client, program):
    mentor = make_mentor(skills=("python", "sql"), capacity=2)
    matched = [make_apprentice(program, skills=("python",)) for _ in range(2)]
    lonely = make_apprentice(program, program.partner_b, languages=["polish"])
    db.session.commit()
    sign_in(client, program.coordinator)

    page = start_round(client, program, objective="max_score", min_overlap_minutes="90")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    match_round = latest_round()
    assert match_round.status == RoundStatus.SUCCEEDED, match_round.error
    assert match_round.parameters["objective"] == "max_score"
    assert match_round.parameters["min_overlap_minutes"] == 90
    assert match_round.parameters["weights"]["skills"] == 0.4
    proposals = match_round.matches
    assert {p.apprentice_id for p in proposals} == {a.id for a in matched}
    assert all(p.mentor_id == mentor.id and 0 < p.score <= 1 and p.reason for p in proposals)
    assert [u.apprentice_id for u in match_round.unmatched] == [lonely.id]
    assert mentor.user.name in html and "Department of Innovation and Technology" in html
    why = html.split(f'id="why-{proposals[0].id}"')[1].split("</tr>")[0]  # the panel below the pair
    assert str(escape(proposals[0].reason)) in why and "What the score is made of" in why
    # The apprentices left alone and the report are sections of their own, linked from each.
    round_url = f"/coordinator/rounds/{match_round.id}"
    assert f'href="{round_url}/unmatched">Apprentices without a mentor (1)</a>' in html
    assert f'href="{round_url}" aria-current="page">Proposed pairs (2)</a>' in html
    unmatched = client.get(f"{round_url}/unmatched").get_data(as_text=True)
    assert match_round.unmatched[0].reason in unmatched and lonely.user.name in unmatched
    assert f'href="{round_url}/unmatched" aria-current="page"' in unmatched
    assert "What the score is made of" not in unmatched  # no pairs on this section
    report = client.get(f"{round_url}/report").get_data(as_text=True)
    assert "Match rate by partner" in report and "How pair scores are spread" in report
    assert "Deferred acceptance" in report and "Greedy" in report
    assert "Match rate by partner" not in html
    assert match_round.solve_path in html
    assert "Best total score" in html  # the parameters it ran with
    assert {"round.started"} <= set(db.session.scalars(select(AuditEvent.action)))
    progress = client.get(f"/coordinator/rounds/{match_round.id}/progress.json").get_json()
    assert progress == {"status": "succeeded", "progress": 1.0, "message": "Done", "error": None}


def test_bad_round_settings_are_refused_with_messages_and_kept(client, program):
    sign_in(client, program.coordinator)
    zeros = {f"weight_{c}": "0" for c in ("skills", "pathways", "schedule", "location", "language")}

    page = start_round(
        client, program, objective="x", min_score="2", min_overlap_minutes="900", **zeros
    )

    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "At least one score component needs a weight above 0." in html
    assert "Give a minimum score from 0 to 1." in html
    assert "Give a number of minutes from 0 to 600." in html
    assert "Not a valid choice" in html
    assert 'value="900"' in html and 'value="2"' in html
    assert db.session.scalar(select(func.count()).select_from(MatchRound)) == 0


def test_words_instead_of_numbers_get_a_plain_message(client, program):
    sign_in(client, program.coordinator)
    page = start_round(client, program, weight_skills="lots", load_spreading="")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Enter a number, like 0.25." in html
    assert "Give a number from 0 to 1." in html


def test_a_round_already_waiting_blocks_a_second_one(client, program):
    busy = MatchRound(cohort=program.cohort, parameters={}, status=RoundStatus.QUEUED)
    db.session.add(busy)
    db.session.commit()
    sign_in(client, program.coordinator)

    page = start_round(client, program)

    assert f"Round {busy.id} of this cohort is still running" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MatchRound)) == 1


def test_a_waiting_round_shows_progress_and_polls(client, program):
    busy = MatchRound(
        cohort=program.cohort, status=RoundStatus.RUNNING, progress=0.4, progress_message="Solving"
    )
    db.session.add(busy)
    db.session.commit()
    sign_in(client, program.coordinator)

    html = client.get(f"/coordinator/rounds/{busy.id}").get_data(as_text=True)

    assert '<progress id="round-progress-bar"' in html and "40%" in html and "Solving" in html
    assert "/static/round-progress.js" in html
    assert '<noscript><meta http-equiv="refresh"' in html
    progress = client.get(f"/coordinator/rounds/{busy.id}/progress.json").get_json()
    assert progress == {"status": "running", "progress": 0.4, "message": "Solving", "error": None}
    with client.get("/static/round-progress.js") as script:
        assert script.status_code == 200 and "progress.json" not in script.get_data(as_text=True)


def test_a_failed_round_shows_its_error_and_runs_again(client, program):
    make_mentor()
    broken = make_apprentice(program, availability=[[0, 600]])  # a slot without its end
    db.session.commit()
    sign_in(client, program.coordinator)

    page = start_round(client, program)

    html = page.get_data(as_text=True)
    failed = latest_round()
    assert failed.status == RoundStatus.FAILED
    assert failed.error.startswith("The matcher stopped with an error")
    assert "usa-alert--error" in html and "This round failed" in html
    assert "Run again" in html
    assert client.get(f"/coordinator/rounds/{failed.id}/progress.json").get_json()["error"]

    broken.availability = [[0, 17 * 60, 20 * 60]]
    db.session.commit()
    submit(
        client,
        f"/coordinator/rounds/{failed.id}/retry",
        {},
        form_url=f"/coordinator/rounds/{failed.id}",
    )

    retried = latest_round()
    assert retried.id == failed.id and retried.status == RoundStatus.SUCCEEDED
    assert retried.attempts == 2
    assert [m.apprentice_id for m in retried.matches] == [broken.id]
    assert "round.retried" in set(db.session.scalars(select(AuditEvent.action)))


def test_pairs_filter_and_sort_on_the_server(client, program):
    make_mentor(capacity=3)
    a1 = make_apprentice(program)
    b1 = make_apprentice(program, program.partner_b, pathways=["data_analytics"])
    db.session.commit()
    sign_in(client, program.coordinator)
    start_round(client, program)
    url = f"/coordinator/rounds/{latest_round().id}"

    by_partner = client.get(url, query_string={"partner": program.partner_b.name}).get_data(
        as_text=True
    )
    assert b1.user.name in by_partner and a1.user.name not in by_partner
    by_pathway = client.get(url, query_string={"pathway": "software_development"})
    assert a1.user.name in by_pathway.get_data(as_text=True)
    assert b1.user.name not in by_pathway.get_data(as_text=True)
    assert "No pairs match" in client.get(url, query_string={"status": "approved"}).get_data(
        as_text=True
    )
    assert "No pairs match" in client.get(url, query_string={"min_score": "1"}).get_data(
        as_text=True
    )
    bad = client.get(url, query_string={"min_score": "high"}).get_data(as_text=True)
    assert "Enter a number, like 0.25." in bad and a1.user.name in bad
    ordered = client.get(url, query_string={"sort": "apprentice", "dir": "desc"}).get_data(
        as_text=True
    )
    assert 'aria-sort="descending"' in ordered
    first, second = sorted([a1.user.name, b1.user.name], reverse=True)
    assert ordered.index(f">{first}</th>") < ordered.index(f">{second}</th>")


def test_unknown_rounds_and_matches_are_404(client, program):
    sign_in(client, program.coordinator)
    assert client.get("/coordinator/rounds/999").status_code == 404
    assert client.get("/coordinator/rounds/999/progress.json").status_code == 404
    token_page = client.get(f"/coordinator/cohorts/{program.cohort.id}").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(token_page)
    for url in ("/coordinator/matches/999/approve", "/coordinator/rounds/999/rerun"):
        assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(UnmatchedApprentice)) == 0
    assert db.session.scalar(select(func.count()).select_from(ProposedMatch)) == 0


def test_a_pairs_explanation_follows_its_apprentices_new_name(client, program):
    make_mentor(skills=("python",))
    apprentice = make_apprentice(program, skills=("python",))
    db.session.commit()
    sign_in(client, program.coordinator)
    start_round(client, program)
    match_round = latest_round()
    [pair] = match_round.matches
    old_name = apprentice.user.name

    def why() -> str:
        page = client.get(f"/coordinator/rounds/{match_round.id}").get_data(as_text=True)
        return page.split(f'id="why-{pair.id}"')[1].split("</tr>")[0]

    assert f"Why {old_name} and " in why()
    apprentice.user.name = "Renamed Apprentice"
    db.session.commit()
    assert "Why Renamed Apprentice and " in why() and old_name not in why()


def test_a_round_is_read_with_its_cohort_in_one_statement_and_still_locks_alone(any_app):
    program = build_program()
    round_id = make_round(program.cohort, []).id
    db.session.commit()
    db.session.expunge_all()

    with counted_statements(db.engine) as count:
        match_round = rounds.round_with_cohort(round_id)
        assert match_round.cohort.name == "2027 Spring"
    assert count[0] == 1
    db.session.refresh(match_round, with_for_update=True)  # as a decision locks it
    assert match_round.status == RoundStatus.SUCCEEDED
    assert rounds.round_with_cohort(round_id + 1) is None
