"""Every page of the apprentice and mentor journeys in Spanish, with no English left in it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from babel.messages.pofile import read_po
from flask import render_template
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tests.conftest import PASSWORD, csrf_token_from, sign_in
from tests.factories import make_apprentice, make_mentor, make_round, publish_pair
from tests.web.program_year import live_pair, switch_person
from tests.web.spanish_pages import (
    CATALOGUE,
    SPANISH,
    SPANISH_PO,
    assert_spanish,
    english_left,
    spanish_left,
    visible_texts,
)
from web.auth.forms import CodeForm
from web.auth.tokens import INVITATION, password_token
from web.extensions import db
from web.failure_pages import database_unreachable, internal_error, too_large
from web.models import CheckIn, MatchStatus, Mentorship, MentorshipStatus
from web.services import (
    email_preferences,
    goals,
    guardians,
    meetings,
    stated_preferences,
    surveys,
)

# Where the apprentice and mentor journeys are written: every message from here is in Spanish.
JOURNEYS = (
    "web/about/",
    "web/account/",
    "web/apprentices/",
    "web/auth/",
    "web/catalog.py",
    "web/errors.py",
    "web/failure_pages.py",
    "web/guardians/",
    "web/home/",
    "web/language/",
    "web/mentors/",
    "web/outcomes/templates/outcomes/certificate.html",
    "web/preferences/",
    "web/profile_fields.py",
    "web/program_year/templates/program_year/",
    "web/program_year/forms.py",
    "web/program_year/views.py",
    "web/program_year/views_links.py",
    *(
        f"web/services/{name}.py"
        for name in (
            "account_emails",
            "certificates",
            "closing_emails",
            "contact_details",
            "decline_notices",
            "email_preferences",
            "email_verification",
            "goals",
            "guardians",
            "invitations",
            "meetings",
            "mentorships",
            "minors",
            "notifications",
            "pairs",
            "preference_choices",
            "reminders",
            "stated_preferences",
            "surveys",
        )
    ),
    "web/templates/",
)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hash passwords cheaply: at full Argon2id cost every account takes about 0.1 s."""
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr("web.auth.passwords.HASHER", cheap)


@pytest.fixture
def year(app, program):
    """A running pair with a check-in, a goal and two meetings, and a pair awaiting the mentor."""
    pair = live_pair(program, responded_at=datetime(2027, 2, 3, 15, 0))
    apprentice, mentor = pair.apprentice.user, pair.mentor.user
    db.session.add(
        CheckIn(
            mentorship=pair, author=apprentice, author_role="apprentice", month="2027-02", rating=4
        )
    )
    skills = [skill_id for skill_id, _ in goals.skill_choices()[:2]]
    goals.propose_goal(pair, mentor, "Publish a small open data dashboard", skills)
    meetings.log_meeting(pair, apprentice, date(2027, 2, 10), 45, "Git basics", date(2027, 3, 1))
    starts = datetime.now() + timedelta(days=3)
    meetings.propose_meeting(pair, mentor, starts, 30, "Code review", "Room 802")
    newcomer = make_apprentice(program)
    waiting = make_round(program.cohort, [(newcomer, pair.mentor, MatchStatus.APPROVED)])
    publish_pair(waiting.matches[0], MentorshipStatus.AWAITING_MENTOR)
    for person in (apprentice, mentor):
        person.language = "es"  # chosen once, remembered on the account
    db.session.commit()
    return pair


def spanish_page(client, path: str, status: int = 200) -> str:
    """`path` as a Spanish-speaking browser gets it; the page must be entirely in Spanish."""
    response = client.get(path, headers=SPANISH)
    html = response.get_data(as_text=True)
    assert response.status_code == status, (path, html[:500])
    assert_spanish(html)
    return html


PUBLIC = ("/", "/login", "/password/forgot", "/apprentice/register", "/mentor/register")


def test_the_public_pages_speak_spanish(client, program):
    for path in (*PUBLIC, "/accessibility", "/privacy"):
        spanish_page(client, path)
    home = spanish_page(client, "/")
    assert "Empieza tu camino hacia la tecnología de la ciudad" in home
    assert 'value="en" lang="en"' in home and ">English</button>" in home  # in English


def test_registration_lists_its_choices_in_spanish(client, program):
    page = spanish_page(client, "/apprentice/register")
    texts = visible_texts(page)
    for spanish in ("Desarrollo de software", "Programación en Python", "Lado Sur (South Side)"):
        assert spanish in texts
    for spanish in ("Lunes", "Noche, de 5 a 8 p. m.", "En persona o en línea", "No me interesa"):
        assert spanish in texts
    # The stored values stay the catalogue's keys: imports and reports match on them.
    assert 'value="software_development"' in page and 'name="skill_levels-python"' in page


def test_registration_errors_are_in_spanish_and_name_what_to_fix(client, program):
    token = csrf_token_from(client.get("/apprentice/register", headers=SPANISH).text)
    page = client.post(
        "/apprentice/register", data={"csrf_token": token, "name": "Maya"}, headers=SPANISH
    ).get_data(as_text=True)
    assert_spanish(page)
    assert "Corrige estos problemas" in page
    assert ">Elige al menos una carrera.</a>" in page  # the message alone, not "…interest you?: …"
    assert 'value="Maya"' in page  # what was typed stays


def test_signing_in_from_a_spanish_browser_welcomes_in_spanish(client, program):
    apprentice = make_apprentice(program).user  # has chosen no language: the browser's is used
    db.session.commit()
    token = csrf_token_from(client.get("/login", headers=SPANISH).text)
    form = {"email": apprentice.email, "password": PASSWORD, "csrf_token": token}
    signed_in = client.post("/login", data=form, headers=SPANISH)
    status = spanish_page(client, signed_in.headers["Location"])
    assert f"Te damos la bienvenida, {apprentice.name}." in status


def test_an_apprentice_waiting_for_consent_reads_spanish(client, program):
    minor = make_apprentice(
        program,
        date_of_birth=date(2010, 5, 1),
        is_minor=True,
        guardian_name="Rosa Lopez",
        guardian_email="rosa@family.example.org",
    )
    minor.user.email_verified = False
    minor.user.language = "es"
    db.session.commit()
    sign_in(client, minor.user)
    status = spanish_page(client, "/apprentice/status")
    assert "Esperando el permiso de tu madre, padre o tutor legal" in status
    assert "1 de mayo de 2010" in status  # the date of birth, written in Spanish
    for path in ("/apprentice/profile", "/apprentice/withdraw"):
        spanish_page(client, path)


def test_an_apprentice_with_a_mentor_reads_spanish(app, client, year):
    sign_in(client, year.apprentice.user)
    status = spanish_page(client, "/apprentice/status")
    assert "febrero de 2027" in status and "4 de 5" in status  # the check-in, month in words
    pages = ["/apprentice/check-in", f"/pair/{year.id}"]
    pages += [
        f"/pair/{year.id}/{step}" for step in ("goals/new", "meetings/log", "meetings/propose")
    ]
    for path in pages:
        spanish_page(client, path)
    forbidden = spanish_page(client, "/coordinator/", status=403)
    assert "Tu cuenta no puede abrir esta página." in forbidden


def test_a_mentor_reads_the_dashboard_and_answers_in_spanish(app, year):
    mentor = switch_person(app, year.mentor.user)
    dashboard = spanish_page(mentor, "/mentor/")
    assert "Esperan tu respuesta" in dashboard and "Trabajan contigo" in dashboard
    waiting = db.session.scalar(
        select(Mentorship).where(Mentorship.status == MentorshipStatus.AWAITING_MENTOR)
    )
    for path in (
        f"/mentor/mentorships/{waiting.id}/decline",
        f"/mentor/mentorships/{year.id}/check-in",
        "/mentor/profile",
        "/account/erase",
    ):
        spanish_page(mentor, path)


def test_ranking_and_marking_speak_spanish(app, client, program):
    apprentice = make_apprentice(program, skills=("python", "sql"))
    mentor = make_mentor(skills=("python",))
    apprentice.user.language = mentor.user.language = "es"
    mentor.user.name = "Diego Ramírez"  # pages show first names: not "Mentor", an English word
    program.cohort.registration_open = False
    stated_preferences.open_step(program.cohort, program.coordinator)
    db.session.commit()
    sign_in(client, apprentice.user)
    assert "Puedes ordenar mentores" in spanish_page(client, "/apprentice/status")
    rank = spanish_page(client, "/preferences/apprentice/mentors")
    assert "Ordena tus mentores" in rank and "Primera opción" in rank
    mark = spanish_page(switch_person(app, mentor.user), "/preferences/mentor/apprentices")
    assert "Sin preferencia" in mark


def test_pages_opened_from_an_email_speak_spanish(client, year, program):
    minor = make_apprentice(
        program, is_minor=True, guardian_name="Rosa", guardian_email="rosa@family.example.org"
    )
    db.session.commit()
    survey = surveys._survey_for(year, year.apprentice.user, surveys.PULSE, date(2027, 3, 1))
    db.session.commit()
    links = [
        f"/guardian/consent/{guardians.consent_token(minor)}",
        f"/survey/{surveys.survey_token(survey)}",
        "/survey/thanks",
        f"/email/unsubscribe/{email_preferences.unsubscribe_token(year.mentor.user)}",
        f"/password/set/{password_token(program.partner_a_user, INVITATION)}",
    ]
    for path in links:
        spanish_page(client, path)
    broken = [("/guardian/consent/x", 400), ("/survey/x", 404), ("/email/unsubscribe/x", 404)]
    broken += [("/password/set/x", 400), ("/email/verify/x", 400)]
    for path, status in broken:
        assert "Este enlace está incompleto" in spanish_page(client, path, status)
    assert "No encontramos esa página." in spanish_page(client, "/no-such-page", 404)


def test_error_and_sign_in_step_pages_speak_spanish(app, client):
    expired = client.post("/login", data={"email": "a@b.org"}, headers=SPANISH)
    assert expired.status_code == 400
    assert_spanish(expired.get_data(as_text=True))
    unreachable = OperationalError("SELECT 1", {}, Exception("could not connect to server"))
    with app.test_request_context("/", headers=SPANISH):
        for answer in (internal_error(None), too_large(None), database_unreachable(unreachable)):
            assert_spanish(answer[0])
        pages = [
            render_template("auth/second_factor.html", form=CodeForm(), user=None),
            render_template("auth/set_up_second_factor.html", form=CodeForm(), qr_code="<svg/>"),
            render_template("auth/recovery_codes.html", codes=["a1b2-c3d4"], next_page=None),
        ]
        for page in pages:
            assert_spanish(page)


def test_the_same_pages_speak_english_to_an_english_reader(app, client, year):
    english = {"Accept-Language": "en-US,en;q=0.9"}
    pages = {}
    for path in (*PUBLIC, "/accessibility", "/privacy"):
        pages[path] = client.get(path, headers=english).text
    year.apprentice.user.language = year.mentor.user.language = "en"
    db.session.commit()
    sign_in(client, year.apprentice.user)
    for path in ("/apprentice/status", "/apprentice/check-in", f"/pair/{year.id}"):
        pages[path] = client.get(path, headers=SPANISH).text  # the account's choice wins
    mentor = switch_person(app, year.mentor.user)
    for path in ("/mentor/", "/mentor/profile", f"/mentor/mentorships/{year.id}/check-in"):
        pages[path] = mentor.get(path).text
    assert {path: '<html lang="en">' in html for path, html in pages.items()} == dict.fromkeys(
        pages, True
    )
    assert {path: spanish_left(html) for path, html in pages.items()} == dict.fromkeys(pages, [])
    assert "Check-ins for" not in pages["/apprentice/status"]  # a partner's page, not theirs
    assert "February 2027" in pages["/apprentice/status"]


def test_the_check_finds_english_left_on_a_page():
    english = '<html lang="es"><h1>Your status</h1><p>Signed in as Ana</p><p>Tus datos</p></html>'
    assert english_left(english) == ["Signed in as Ana", "Your status"]
    switch = '<html lang="es"><button lang="en">English</button></html>'
    assert english_left(switch) == []


def _forms(string) -> list[str]:
    return [string] if isinstance(string, str) else list(string)


def test_every_message_of_the_journeys_has_its_spanish():
    with CATALOGUE.open("rb") as pot, SPANISH_PO.open("rb") as po:
        english, spanish = read_po(pot), read_po(po)
    journey_ids = {
        message.id
        for message in english
        if message.id and any(path.startswith(JOURNEYS) for path, _line in message.locations)
    }
    assert len(journey_ids) > 500
    untranslated = [
        message.id
        for message in spanish
        if message.id in journey_ids and (message.fuzzy or not all(_forms(message.string)))
    ]
    assert untranslated == []
    assert journey_ids <= {message.id for message in spanish}


def test_every_translation_keeps_the_placeholders_of_its_english():
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    with SPANISH_PO.open("rb") as po:
        spanish = read_po(po)
    changed = []
    for message in spanish:
        if not message.id:
            continue
        english = {name for text in _forms(message.id) for name in placeholder.findall(text)}
        for text in _forms(message.string):
            # A singular form may leave out %(num)d ("te queda uno"); nothing else may change.
            if text and not set(placeholder.findall(text)) <= english:
                changed.append((message.id, text))
            if text and isinstance(message.id, str) and set(placeholder.findall(text)) != english:
                changed.append((message.id, text))
    assert changed == []
