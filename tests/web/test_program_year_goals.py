"""Goals: both sides agree up to five, tied to skills; only the mentor signs one off."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_token_from, sign_in, submit
from tests.web.program_year import live_pair, switch_person
from web.extensions import db
from web.models import AuditEvent, Goal, Skill


def skill_ids(*keys: str) -> list[int]:
    return [db.session.scalar(select(Skill.id).where(Skill.key == key)) for key in keys]


def press(client, mentorship, url: str):
    token = csrf_token_from(client.get(f"/pair/{mentorship.id}/meetings/log").text)
    return client.post(url, data={"csrf_token": token}, follow_redirects=True)


def test_apprentice_proposes_mentor_agrees_and_signs_off_both_see_progress(app, client, program):
    mentorship = live_pair(program)
    sign_in(client, mentorship.apprentice.user)
    gis, data = skill_ids("gis", "data_analysis")

    page = submit(
        client,
        f"/pair/{mentorship.id}/goals/new",
        {"title": "Map the city's bike lanes", "skills": [str(gis), str(data)]},
    )
    text = page.get_data(as_text=True)
    assert "It counts once the other side agrees" in text
    assert "Waiting for the other side to agree" in text and "No agreed goals yet." in text
    goal = db.session.scalar(select(Goal))
    assert goal.skill_ids == sorted([gis, data]) and goal.agreed_at is None

    mentor = switch_person(app, mentorship.mentor.user)
    text = press(mentor, mentorship, f"/pair/{mentorship.id}/goals/{goal.id}/agree").text
    assert "You agreed to the goal" in text and "0 of 1 agreed goal met" in text
    text = press(mentor, mentorship, f"/pair/{mentorship.id}/goals/{goal.id}/met").text
    assert "signed off" in text and "1 of 1 agreed goal met" in text
    assert "GIS and mapping" in text

    apprentice = switch_person(app, mentorship.apprentice.user)
    text = apprentice.get(f"/pair/{mentorship.id}").get_data(as_text=True)
    assert "1 of 1 agreed goal met" in text and "Met: signed off by the mentor" in text
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("goal.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["goal.proposed", "goal.agreed", "goal.met"]


def test_only_the_mentor_signs_off_and_only_agreed_goals(app, client, program):
    mentorship = live_pair(program)
    sign_in(client, mentorship.mentor.user)
    submit(
        client,
        f"/pair/{mentorship.id}/goals/new",
        {"title": "Ship a pull request", "skills": [str(skill_ids("python")[0])]},
    )
    goal = db.session.scalar(select(Goal))

    text = press(client, mentorship, f"/pair/{mentorship.id}/goals/{goal.id}/met").text
    assert "Both of you need to agree to a goal before it can be signed off." in text
    text = press(client, mentorship, f"/pair/{mentorship.id}/goals/{goal.id}/agree").text
    assert "The other side of your mentorship needs to agree to this goal." in text

    apprentice = switch_person(app, mentorship.apprentice.user)
    press(apprentice, mentorship, f"/pair/{mentorship.id}/goals/{goal.id}/agree")
    token = csrf_token_from(apprentice.get(f"/pair/{mentorship.id}/meetings/log").text)
    refused = apprentice.post(
        f"/pair/{mentorship.id}/goals/{goal.id}/met", data={"csrf_token": token}
    )
    assert refused.status_code == 403
    db.session.refresh(goal)
    assert goal.agreed_at is not None and goal.met_at is None


def test_goal_input_is_checked_and_a_sixth_goal_is_refused(client, program):
    mentorship = live_pair(program)
    sign_in(client, mentorship.apprentice.user)
    url = f"/pair/{mentorship.id}/goals/new"

    text = submit(client, url, {"title": "Learn SQL"}).get_data(as_text=True)
    assert "Choose at least one skill." in text and 'value="Learn SQL"' in text
    text = submit(client, url, {"title": "", "skills": ["999999"]}).get_data(as_text=True)
    assert "Describe the goal." in text and "Choose skills from the list." in text

    python = str(skill_ids("python")[0])
    for n in range(5):
        submit(client, url, {"title": f"Goal {n}", "skills": [python]})
    text = submit(client, url, {"title": "Goal 6", "skills": [python]}).get_data(as_text=True)
    assert "A mentorship has at most 5 goals." in text
    assert len(db.session.scalars(select(Goal)).all()) == 5
    assert "the most a mentorship can have" in client.get(f"/pair/{mentorship.id}").text


def test_both_dashboards_link_to_the_pair_page(app, client, program):
    mentorship = live_pair(program)
    sign_in(client, mentorship.apprentice.user)
    assert f'href="/pair/{mentorship.id}"' in client.get("/apprentice/status").text
    mentor = switch_person(app, mentorship.mentor.user)
    assert f'href="/pair/{mentorship.id}"' in mentor.get("/mentor/").text
