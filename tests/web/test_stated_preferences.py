"""Stated preferences: the step per cohort, apprentices' rankings and mentors' marks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import make_user, sign_in, submit
from tests.factories import make_apprentice, make_mentor
from tests.web.auth_helpers import sign_out
from web.extensions import db
from web.models import AuditEvent, MentorMark, MentorRanking, Role
from web.services import preference_choices, stated_preferences
from web.services.stated_preferences import PreferencesClosed, PreferencesRefused


@pytest.fixture
def in_a_request(app):
    """Messages are translated for the request's language, as on a page."""
    with app.test_request_context():
        yield


def open_preferences(program) -> None:
    """Close registration and open the step, as a program admin does."""
    program.cohort.registration_open = False
    stated_preferences.open_step(program.cohort, program.coordinator)
    db.session.commit()


@pytest.fixture
def people(program):
    """Six mentors who fit one apprentice, one who does not (no shared language)."""
    apprentice = make_apprentice(program, skills=("python", "sql"))
    fitting = [make_mentor(skills=("python",)) for _ in range(6)]
    misfit = make_mentor(languages=["polish"])
    db.session.commit()
    return apprentice, fitting, misfit


@pytest.mark.usefixtures("in_a_request")
def test_the_step_opens_only_after_registration_closes_and_closes_again(program):
    with pytest.raises(PreferencesRefused, match="Close registration first"):
        stated_preferences.open_step(program.cohort, program.coordinator)
    open_preferences(program)
    assert program.cohort.preferences_open
    with pytest.raises(PreferencesRefused, match="already open"):
        stated_preferences.open_step(program.cohort, program.coordinator)
    stated_preferences.close_step(program.cohort, program.coordinator)
    assert not program.cohort.preferences_open
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"preferences.opened", "preferences.closed"} <= actions


@pytest.mark.usefixtures("in_a_request")
def test_an_apprentice_sees_only_mentors_the_rules_allow_with_a_reason_and_no_contact(
    program, people
):
    apprentice, fitting, misfit = people
    open_preferences(program)

    shortlist = preference_choices.mentors_for(apprentice)

    assert {c.id for c in shortlist} == {m.id for m in fitting}
    first = shortlist[0]
    mentor = db.session.get(type(misfit), first.id)
    assert first.first_name == mentor.user.name.split()[0]
    assert first.detail == "IT Engineer, Department of Innovation and Technology"
    assert "Teaches 1 of the 2 skills you want: Python" in first.why
    assert "h a week in common" in first.why
    assert mentor.user.email not in repr(shortlist)


@pytest.mark.usefixtures("in_a_request")
def test_an_apprentice_ranks_up_to_five_and_bad_rankings_are_refused(program, people):
    apprentice, fitting, misfit = people
    open_preferences(program)
    offered = {c.id for c in preference_choices.mentors_for(apprentice)}
    user = apprentice.user

    ranked = stated_preferences.save_ranking(
        apprentice, [fitting[2].id, None, fitting[0].id], offered, user
    )
    assert ranked == [fitting[2].id, fitting[0].id]
    assert stated_preferences.ranking_of(apprentice) == ranked

    six = [m.id for m in fitting]
    with pytest.raises(PreferencesRefused, match="Rank at most 5 mentors"):
        stated_preferences.save_ranking(apprentice, six, offered, user)
    with pytest.raises(PreferencesRefused, match="only once"):
        stated_preferences.save_ranking(apprentice, [six[0], six[0]], offered, user)
    with pytest.raises(PreferencesRefused, match="rules do not allow"):
        stated_preferences.save_ranking(apprentice, [misfit.id], offered, user)
    with pytest.raises(PreferencesRefused, match="does not exist"):
        stated_preferences.save_ranking(apprentice, [999_999], offered, user)
    assert stated_preferences.ranking_of(apprentice) == ranked  # refusals change nothing

    stated_preferences.close_step(program.cohort, program.coordinator)
    with pytest.raises(PreferencesClosed, match="not open for your cohort"):
        stated_preferences.save_ranking(apprentice, [six[1]], offered, user)
    assert stated_preferences.ranking_of(apprentice) == ranked


@pytest.mark.usefixtures("in_a_request")
def test_a_mentor_marks_apprentices_offered_and_not_others(program, people):
    apprentice, fitting, misfit = people
    other = make_apprentice(program, skills=("python",))
    db.session.commit()
    mentor = fitting[0]
    with pytest.raises(PreferencesClosed, match="not open"):
        preference_choices.apprentices_for(mentor)
    open_preferences(program)

    offered = {c.id for c in preference_choices.apprentices_for(mentor)}
    assert offered == {apprentice.id, other.id}
    assert preference_choices.apprentices_for(misfit) == []

    counts = stated_preferences.save_marks(
        mentor, {apprentice.id: "preferred", other.id: "not_fit"}, offered, mentor.user
    )
    assert counts == {"not_fit": 1, "preferred": 1}
    assert stated_preferences.marks_of(mentor, offered) == {
        apprentice.id: "preferred",
        other.id: "not_fit",
    }
    stated_preferences.save_marks(mentor, {other.id: ""}, offered, mentor.user)
    assert stated_preferences.marks_of(mentor, offered) == {apprentice.id: "preferred"}
    with pytest.raises(PreferencesRefused, match="Mark only apprentices from your list"):
        stated_preferences.save_marks(mentor, {123_456: "preferred"}, offered, mentor.user)
    with pytest.raises(PreferencesRefused, match="Choose preferred"):
        stated_preferences.save_marks(mentor, {apprentice.id: "love"}, offered, mentor.user)
    counts = stated_preferences.step_counts(program.cohort)
    assert counts == {"apprentices_ranked": 0, "mentors_marked": 1, "preferred": 1, "not_fit": 0}


def test_the_pages_rank_and_mark_and_keep_what_was_typed_on_a_mistake(app, client, program, people):
    apprentice, fitting, _ = people
    open_preferences(program)
    sign_in(client, apprentice.user)
    status = client.get("/apprentice/status").get_data(as_text=True)
    assert "/preferences/apprentice/mentors" in status

    page = client.get("/preferences/apprentice/mentors").get_data(as_text=True)
    assert "Rank your mentors" in page and "Why they fit" in page
    assert fitting[0].user.email not in page and fitting[0].user.name not in page

    url = "/preferences/apprentice/mentors"
    twice = {"choice_1": str(fitting[1].id), "choice_2": str(fitting[1].id)}
    refused = submit(client, url, twice)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "You already chose this mentor above." in html
    assert f'<option selected value="{fitting[1].id}"' in html  # what was chosen stays

    saved = submit(client, url, {"choice_1": str(fitting[3].id), "choice_2": str(fitting[1].id)})
    assert "Your ranking of 2 mentors is saved." in saved.get_data(as_text=True)
    assert stated_preferences.ranking_of(apprentice) == [fitting[3].id, fitting[1].id]
    mine = client.get("/account/my-data.json").get_json()
    assert mine["apprentice_profile"]["ranked_mentor_ids"] == [fitting[3].id, fitting[1].id]

    mentor = fitting[0]
    sign_out(client)
    sign_in(client, mentor.user)
    assert "/preferences/mentor/apprentices" in client.get("/mentor/").get_data(as_text=True)
    marks_url = "/preferences/mentor/apprentices"
    page = client.get(marks_url).get_data(as_text=True)
    assert "Mark apprentices" in page and apprentice.user.email not in page
    done = submit(client, marks_url, {f"mark_{apprentice.id}": "not_fit"})
    assert "1 not a good fit" in done.get_data(as_text=True)
    assert db.session.scalars(select(MentorMark.mark)).all() == ["not_fit"]
    mine = client.get("/account/my-data.json").get_json()
    assert mine["mentor_profile"]["apprentice_marks"] == {str(apprentice.id): "not_fit"}


def test_a_reviewer_cannot_open_the_step_and_erasure_forgets_what_was_stated(
    client, program, people
):
    apprentice, fitting, _ = people
    program.cohort.registration_open = False
    reviewer = make_user(
        Role.COORDINATOR, "rey@city.example.gov", "Rey Reviewer", coordinator_role="reviewer"
    )
    db.session.commit()
    sign_in(client, reviewer)
    cohort_url = f"/coordinator/cohorts/{program.cohort.id}"
    html = client.get(cohort_url).get_data(as_text=True)
    assert "Open stated preferences" not in html  # a reviewer reads the counts only
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    refused = client.post(f"/preferences{cohort_url}/preferences/open", data={"csrf_token": token})
    assert refused.status_code == 403
    assert not program.cohort.preferences_open

    open_preferences(program)
    offered = {m.id for m in fitting}
    stated_preferences.save_ranking(apprentice, [fitting[0].id], offered, apprentice.user)
    stated_preferences.save_marks(
        fitting[1], {apprentice.id: "preferred"}, {apprentice.id}, fitting[1].user
    )
    from web.services import erasure

    erasure.withdraw_apprentice(apprentice, apprentice.user)
    db.session.commit()
    assert db.session.scalars(select(MentorRanking)).all() == []
    assert db.session.scalars(select(MentorMark)).all() == []
