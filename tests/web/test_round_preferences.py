"""Rounds with stated preferences: settings, what reaches the matcher, the side-by-side report."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in, submit
from tests.factories import make_apprentice, make_mentor, round_form
from web.extensions import db
from web.models import MatchRound, MentorMark, MentorRanking, RoundStatus


def start_round(client, program, **overrides):
    """Submit the round settings form of the program's cohort."""
    cohort_url = f"/coordinator/cohorts/{program.cohort.id}"
    return submit(client, f"{cohort_url}/rounds", round_form(**overrides), form_url=cohort_url)


def latest_round() -> MatchRound:
    db.session.expire_all()
    return db.session.scalars(select(MatchRound).order_by(MatchRound.id.desc())).first()


def pairs_of(match_round: MatchRound) -> dict[int, int]:
    return {p.apprentice_id: p.mentor_id for p in match_round.matches}


def test_a_stable_round_follows_what_people_said_with_no_blocking_pair(client, program):
    strong = make_mentor(skills=("python", "sql"))
    weaker = make_mentor(skills=("python",))
    ranking = make_apprentice(program, skills=("python", "sql"))
    quiet = make_apprentice(program, skills=("python", "sql"))
    # Scores alone send either apprentice to the strong mentor; this one said otherwise.
    db.session.add_all(
        [
            MentorRanking(apprentice_id=ranking.id, mentor_id=weaker.id, rank=1),
            MentorRanking(apprentice_id=ranking.id, mentor_id=strong.id, rank=2),
            MentorMark(mentor_id=strong.id, apprentice_id=quiet.id, mark="preferred"),
        ]
    )
    db.session.commit()
    sign_in(client, program.coordinator)

    start_round(client, program, objective="stable", stated_weight="0.2", floor_partner="0.5")

    match_round = latest_round()
    assert match_round.status == RoundStatus.SUCCEEDED, match_round.error
    assert match_round.parameters["objective"] == "stable"
    assert match_round.parameters["weights"]["stated"] == 0.2
    assert pairs_of(match_round) == {ranking.id: weaker.id, quiet.id: strong.id}
    report = match_round.report
    objectives = report["objectives"]
    assert report["blocking_pairs"] == 0
    assert objectives["stable"]["blocking_pairs"] == 0
    assert objectives["stable"]["top_choices"] == {
        "ranked": 1,
        "first_choice": 1,
        "top_k": 1,
        "k": 1,
    }
    assert set(objectives) == {"optimal", "stable", "greedy", "floors"}
    assert report["floors"]["comparison_only"] is True  # the stable round applied none
    assert report["floors"]["min_match_rate"] == {"partner": 0.5}
    html = client.get(f"/coordinator/rounds/{match_round.id}/report").get_data(as_text=True)
    assert "Objectives side by side" in html and 'id="objectives-table"' in html
    assert "Stable <span" in html and "(this round)" in html
    assert "Got their first choice (of 1 who ranked)" in html
    assert "Match rate: Lakeshore Community College" in html
    assert "With equity floors" in html and "did not apply the equity floors" in html


def test_a_hard_not_a_good_fit_is_never_proposed_and_a_soft_one_is_a_last_choice(client, program):
    mentor = make_mentor(skills=("python",))
    apprentice = make_apprentice(program, skills=("python",))
    db.session.add(MentorMark(mentor_id=mentor.id, apprentice_id=apprentice.id, mark="not_fit"))
    db.session.commit()
    sign_in(client, program.coordinator)

    start_round(client, program, not_fit="soft")
    assert pairs_of(latest_round()) == {apprentice.id: mentor.id}

    start_round(client, program, not_fit="hard")
    hard = latest_round()
    assert hard.parameters["not_fit"] == "hard"
    assert pairs_of(hard) == {}
    assert [u.apprentice_id for u in hard.unmatched] == [apprentice.id]


def test_floors_that_cannot_be_met_are_reported_with_the_closest_ones(client, program):
    mentor = make_mentor(skills=("python",), capacity=2)
    for _ in range(3):
        make_apprentice(program, skills=("python",))
    make_apprentice(program, program.partner_b, skills=("python",))
    db.session.commit()
    sign_in(client, program.coordinator)

    start_round(client, program, floor_partner="1", floor_column="region", floor_rate="0.5")

    match_round = latest_round()
    assert match_round.status == RoundStatus.SUCCEEDED, match_round.error
    assert match_round.parameters["min_match_rate"] == {"partner": 1.0, "region": 0.5}
    floors = match_round.report["floors"]
    assert floors["feasible"] is False
    short = [g for g in floors["groups"] if g["shortfall"]]
    assert [(g["group"], g["closest_feasible_floor"]) for g in short] == [
        ("Lakeshore Community College", 0.333333)
    ]
    assert "floors" in match_round.report["objectives"]
    assert sum(1 for p in match_round.matches if p.mentor_id == mentor.id) == 2
    html = client.get(f"/coordinator/rounds/{match_round.id}/report").get_data(as_text=True)
    assert "The equity floors asked for cannot all be met" in html
    assert "Partner Lakeshore Community College: 0.333333" in html
    assert "Closest feasible floor" in html and "With equity floors" in html


def test_settings_the_matcher_cannot_combine_are_refused_next_to_their_field(client, program):
    sign_in(client, program.coordinator)

    page = start_round(client, program, objective="stable", top_choices="3", floor_rate="0.5")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "A stable round cannot also guarantee top choices" in html
    assert 'value="0.5"' in html and 'value="3"' in html  # what was typed stays

    page = start_round(client, program, top_choices="2", floor_partner="0.5")
    assert "cannot be combined in one round" in page.get_data(as_text=True)
    page = start_round(client, program, top_choices="9", floor_rate="0.4")
    html = page.get_data(as_text=True)
    assert "Give a number from 0 (off) to 5." in html
    assert "Choose which groups this match rate is for." in html
    assert latest_round() is None


def test_the_round_loaders_read_ranks_and_marks_in_two_statements(app, program):
    from tests.web.program_at_size import counted_statements
    from web.models import ApprenticeProfile, MentorProfile
    from web.services import round_inputs

    mentors = [make_mentor() for _ in range(3)]
    apprentices = [make_apprentice(program) for _ in range(3)]
    for a in apprentices:
        for rank, m in enumerate(reversed(mentors), start=1):
            db.session.add(MentorRanking(apprentice_id=a.id, mentor_id=m.id, rank=rank))
    db.session.add_all(
        [
            MentorMark(mentor_id=mentors[0].id, apprentice_id=apprentices[0].id, mark="preferred"),
            MentorMark(mentor_id=mentors[0].id, apprentice_id=apprentices[1].id, mark="not_fit"),
        ]
    )
    db.session.commit()
    with counted_statements(db.engine) as statements:
        loaded = round_inputs.load_apprentices(ApprenticeProfile.cohort_id == 1, stated=True)
        people = round_inputs.load_mentors(
            MentorProfile.accepting, taken={}, marked=select(ApprenticeProfile.id)
        )

    assert statements[0] == 6  # rows, skills and stated preferences, per side
    expected = tuple(str(m.id) for m in reversed(mentors))
    assert all(a.ranked_mentors == expected for a in loaded)
    first = next(m for m in people if m.id == str(mentors[0].id))
    assert first.preferred == {str(apprentices[0].id)}
    assert first.not_fit == {str(apprentices[1].id)}
    plain = round_inputs.load_apprentices(ApprenticeProfile.cohort_id == 1)
    assert all(a.ranked_mentors == () for a in plain)
