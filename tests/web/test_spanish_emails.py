"""Emails are written in the recipient's language: theirs, or for a guardian the minor's."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from argon2 import PasswordHasher

from tests.conftest import csrf_token_from, sign_in
from tests.web.program_year import live_pair
from tests.web.setup_helpers import emails_to
from tests.web.spanish_pages import SPANISH
from tests.web.test_apprentices_registration import apprentice_form
from web.auth.services import find_user_by_email
from web.extensions import db
from web.models import MentorshipStatus
from web.services import contact_details, meetings, reminders


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hash passwords cheaply: at full Argon2id cost every account takes about 0.1 s."""
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr("web.auth.passwords.HASHER", cheap)


def register(client, data: dict, headers: dict) -> None:
    """Fill in the apprentice registration in the language `headers` ask for."""
    token = csrf_token_from(client.get("/apprentice/register", headers=headers).text)
    answer = client.post(
        "/apprentice/register", data={**data, "csrf_token": token}, headers=headers
    )
    assert answer.status_code == 302, answer.text


def text_of(message) -> str:
    """The body of an email with its folded lines joined again."""
    return " ".join(message.get_body(("plain",)).get_content().split())


def test_registering_in_spanish_keeps_spanish_for_the_account_and_its_emails(client, program):
    register(client, apprentice_form(program), SPANISH)
    assert find_user_by_email("maya@students.example.org").language == "es"
    [verification] = emails_to("maya@students.example.org")
    assert verification["Subject"] == "Confirma tu correo electrónico para Pathways"
    body = text_of(verification)
    assert "Hola, Maya Lopez:" in body
    assert "El enlace sirve durante 7 días." in body
    assert "Please confirm" not in body


def test_registering_in_english_gets_english_emails(client, program):
    register(client, apprentice_form(program), {"Accept-Language": "en-US"})
    [verification] = emails_to("maya@students.example.org")
    assert verification["Subject"] == "Confirm your email address for Pathways"
    assert "Hello Maya Lopez," in verification.get_content()


def test_a_guardian_is_asked_in_the_language_the_minor_chose(client, program):
    minor = apprentice_form(
        program,
        date_of_birth="2011-06-01",
        guardian_name="Rosa Lopez",
        guardian_email="rosa@family.example.org",
    )
    register(client, minor, SPANISH)
    subjects = {email["Subject"]: email for email in emails_to("rosa@family.example.org")}
    # The copy of the verification email says it went, in Spanish, without its link.
    assert "Copia: Confirma tu correo electrónico para Pathways" in subjects
    consent = subjects["Tu permiso para que Maya Lopez participe en Pathways"]
    body = text_of(consent)
    assert "Hola, Rosa Lopez:" in body and "necesitamos tu permiso" in body
    link = body[body.index("/guardian/consent/") :].split()[0]

    # The guardian's own browser asks for English; the page opened from the email stays Spanish.
    guardian = client.application.test_client()
    page = guardian.get(link, headers={"Accept-Language": "en-US"}).text
    assert '<html lang="es">' in page and "Doy mi permiso" in page


def test_each_side_of_a_pair_reads_its_own_language(app, client, program):
    pair = live_pair(program, MentorshipStatus.AWAITING_MENTOR)
    pair.apprentice.user.language = "es"  # the apprentice chose Spanish; the mentor did not
    db.session.commit()
    sign_in(client, pair.mentor.user)
    token = csrf_token_from(client.get("/mentor/").text)
    client.post(f"/mentor/mentorships/{pair.id}/confirm", data={"csrf_token": token})
    [contact] = emails_to(pair.apprentice.user.email)
    assert contact["Subject"].endswith("confirmó: cómo contactar a tu mentor o mentora")
    assert f"Correo electrónico: {pair.mentor.user.email}" in text_of(contact)

    again = contact_details.mentor_contact_email(pair)  # outside any request, as a worker does
    assert again["Subject"] == contact["Subject"]


def test_check_in_reminders_name_the_month_in_each_persons_language(app, program):
    pair = live_pair(program, responded_at=datetime(2027, 2, 3, 15, 0))
    pair.apprentice.user.language = "es"
    db.session.commit()
    due = {d.recipient.id: d.write() for d in reminders.check_in_reminders(date(2027, 3, 21))}
    spanish, english = due[pair.apprentice.user.id], due[pair.mentor.user.id]
    assert spanish["Subject"] == "Tu reporte mensual de Pathways de marzo de 2027"
    assert "Aquí puedes desactivar los recordatorios" in text_of(spanish)
    assert english["Subject"] == "Your Pathways check-in for March 2027"
    assert "You can turn off reminders" in text_of(english)


def test_a_meeting_invitation_gives_the_day_in_the_attendees_language(app, program):
    pair = live_pair(program)
    pair.apprentice.user.language = "es"
    start = datetime(2030, 3, 13, 17, 30)
    meeting = meetings.propose_meeting(pair, pair.mentor.user, start, 45, "Revisión de código", "")
    db.session.commit()
    invitation = meetings.invitation_email(meeting)
    assert invitation["Subject"] == "Reunión propuesta: Revisión de código"
    assert "Cuándo: miércoles, 13 de marzo de 2030, 17:30 (45 minutos)" in text_of(invitation)
