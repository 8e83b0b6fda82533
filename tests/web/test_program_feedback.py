"""Coordinators read survey answers, resolve flags, and read each pair's check-ins and notes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from tests.conftest import csrf_token_from, make_user, sign_in, submit
from tests.web.program_year import live_pair, switch_person
from web.extensions import db
from web.models import AuditEvent, CheckIn, CoordinatorRole, PairFlag, Role, Survey

WHEN = datetime(2027, 5, 2, tzinfo=UTC)


def _answered(mentorship, person, kind, satisfaction, recommend, comment="") -> Survey:
    survey = Survey(
        mentorship=mentorship,
        respondent=person,
        kind=kind,
        sent_on=date(2027, 5, 1),
        answered_at=WHEN,
        satisfaction=satisfaction,
        would_recommend=recommend,
        comment=comment,
    )
    db.session.add(survey)
    return survey


def _flag(mentorship, reason="No check-in or meeting since 01 April 2027.") -> PairFlag:
    flag = PairFlag(
        mentorship=mentorship, kind="idle", period="2027-04-01", reason=reason,
        raised_on=date(2027, 5, 1),
    )  # fmt: skip
    db.session.add(flag)
    db.session.commit()
    return flag


def test_survey_page_shows_scores_per_cohort_and_every_comment(app, client, program):
    first, second = live_pair(program), live_pair(program)
    _answered(first, first.apprentice.user, "pulse", 5, 10, "My mentor is great")
    _answered(first, first.mentor.user, "pulse", 4, 9)
    _answered(second, second.apprentice.user, "pulse", 2, 3, "=HYPERLINK(1)")
    _answered(second, second.mentor.user, "end_of_year", 3, 7)
    db.session.commit()
    sign_in(client, program.coordinator)
    html = client.get("/coordinator/surveys").get_data(as_text=True)
    # Apprentices' pulse: one promoter, one detractor of two answers: NPS 0, satisfaction 3.5.
    assert "<td>2</td><td>+0</td><td>3.50</td>" in html
    # Mentors' pulse: one promoter of one: NPS +100.
    assert "<td>1</td><td>+100</td><td>4.00</td>" in html
    assert "My mentor is great" in html and "=HYPERLINK(1)" in html
    narrowed = client.get("/coordinator/surveys?with_comment=y&kind=pulse").get_data(as_text=True)
    assert "2 answers" in narrowed
    assert client.get("/coordinator/surveys?cohort=abc").status_code == 200


def test_the_pair_page_shows_both_sides_check_in_notes_and_flags(app, client, program):
    mentorship = live_pair(program)
    for user, role, rating, note in (
        (mentorship.apprentice.user, "apprentice", 2, "We have not met this month"),
        (mentorship.mentor.user, "mentor", 4, "Good progress on Python"),
    ):
        db.session.add(CheckIn(mentorship=mentorship, author_id=user.id, author_role=role,
                               month="2027-04", rating=rating, note=note))  # fmt: skip
    _flag(mentorship)
    sign_in(client, program.coordinator)
    listed = client.get("/coordinator/mentorships").get_data(as_text=True)
    assert f"/coordinator/mentorships/{mentorship.id}" in listed
    html = client.get(f"/coordinator/mentorships/{mentorship.id}").get_data(as_text=True)
    assert "We have not met this month" in html and "Good progress on Python" in html
    assert "2 / 5" in html and "4 / 5" in html
    assert "No check-in or meeting since 01 April 2027." in html
    assert client.get("/coordinator/mentorships/999999").status_code == 404


def test_resolving_a_flag_closes_it_once_and_is_audited(app, client, program):
    mentorship = live_pair(program)
    flag = _flag(mentorship)
    sign_in(client, program.coordinator)
    assert "1 open flag" in client.get("/coordinator/flags").get_data(as_text=True)
    url = f"/coordinator/flags/{flag.id}/resolve"
    stale_tab = csrf_token_from(client.get("/coordinator/flags").get_data(as_text=True))
    done = submit(
        client, url, {"note": "Called both; they meet Friday."}, form_url="/coordinator/flags"
    )
    assert "The flag is resolved." in done.get_data(as_text=True)
    assert "0 open flags" in done.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(PairFlag, flag.id)
    assert kept.resolved_by_id == program.coordinator.id
    assert kept.resolution == "Called both; they meet Friday."
    resolved = select(func.count()).where(AuditEvent.action == "pair.flag_resolved")
    assert db.session.scalar(resolved) == 1
    page = client.get(f"/coordinator/mentorships/{mentorship.id}").get_data(as_text=True)
    assert "Called both; they meet Friday." in page
    again = client.post(url, data={"csrf_token": stale_tab, "note": ""}, follow_redirects=True)
    assert "This flag was already resolved." in again.get_data(as_text=True)
    assert db.session.scalar(resolved) == 1


def test_a_note_too_long_is_refused_and_kept(app, client, program):
    flag = _flag(live_pair(program))
    sign_in(client, program.coordinator)
    note = "x" * 1001
    refused = submit(client, f"/coordinator/flags/{flag.id}/resolve", {"note": note},
                     form_url="/coordinator/flags")  # fmt: skip
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Keep the note under 1,000 characters." in html and note in html
    db.session.expire_all()
    assert db.session.get(PairFlag, flag.id).resolved_at is None


def test_reviewers_read_but_do_not_resolve_and_partners_see_neither(app, client, program):
    flag = _flag(live_pair(program))
    reviewer = make_user(Role.COORDINATOR, "rev@city.example.gov", "Rev",
                         coordinator_role=CoordinatorRole.REVIEWER)  # fmt: skip
    db.session.commit()
    sign_in(client, reviewer)
    page = client.get("/coordinator/flags")
    assert page.status_code == 200 and "/resolve" not in page.get_data(as_text=True)
    token_page = client.get("/coordinator/surveys").get_data(as_text=True)
    assert "Survey answers" in token_page
    # The sign-out form of the navigation carries the session's token.
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]
    refused = client.post(f"/coordinator/flags/{flag.id}/resolve", data={"csrf_token": token})
    assert refused.status_code == 403
    partner = switch_person(app, program.partner_a_user)
    for url in (
        "/coordinator/flags",
        "/coordinator/surveys",
        f"/coordinator/mentorships/{flag.mentorship_id}",
    ):
        assert partner.get(url).status_code == 403
