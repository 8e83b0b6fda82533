"""The program year's emails to a minor are copied to their guardian, like every other email."""

from __future__ import annotations

from tests.factories import make_apprentice
from web.extensions import db
from web.services import email_preferences
from web.services.minors import guardian_copies

GUARDIAN = "gloria@family.example.org"


def minor(program, **fields):
    """A minor apprentice whose guardian is Gloria."""
    profile = make_apprentice(program, is_minor=True, guardian_name="Gloria", **fields)
    profile.guardian_email = GUARDIAN
    db.session.commit()
    return profile


def test_reminders_and_required_emails_to_a_minor_copy_the_guardian(app, program):
    profile = minor(program)
    email = profile.user.email
    reminder = email_preferences.optional_email(profile.user, "Check in", ["Hello"])
    required = email_preferences.required_email([email], "Decline", ["Hello"], why="it matters")
    assert reminder["Cc"] == GUARDIAN
    assert required["Cc"] == GUARDIAN


def test_adults_and_mixed_case_addresses(app, program):
    adult = make_apprentice(program)
    profile = minor(program)
    db.session.commit()
    assert guardian_copies([adult.user.email]) == []
    assert guardian_copies([profile.user.email.upper(), adult.user.email]) == [GUARDIAN]
    reminder = email_preferences.optional_email(adult.user, "Check in", ["Hello"])
    assert reminder["Cc"] is None
