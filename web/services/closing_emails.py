"""The emails of a closed program year: the apprentice's certificate link, the partner told.

Each email is a `DueEmail` sent once (web/services/reminders.py), so a job run again after
a failure sends only what did not go out.
"""

from __future__ import annotations

from email.message import EmailMessage

from flask_babel import gettext as _

from web.language import speaking
from web.models import CohortYearClosing, Mentorship, MentorshipOutcome, PartnerInstitution
from web.services.completion import closed_pairs
from web.services.decline_notices import partner_addresses
from web.services.email_preferences import required_email
from web.services.notifications import absolute_url
from web.services.reminders import DueEmail

KIND = "year_closing"


def closing_emails(closing: CohortYearClosing) -> list[DueEmail]:
    """One email to each apprentice of the closed pairs, and one to each of their partners."""
    pairs = closed_pairs(closing)
    due = [
        DueEmail(KIND, str(m.id), m.apprentice.user, "once", _apprentice_writer(m))
        for m in pairs
        if m.apprentice.user is not None
    ]
    by_partner: dict[int, list[Mentorship]] = {}
    for mentorship in pairs:
        by_partner.setdefault(mentorship.apprentice.partner_id, []).append(mentorship)
    for ships in by_partner.values():
        partner = ships[0].apprentice.partner
        if partner_addresses(partner):
            key = f"closing:{closing.id}"
            due.append(DueEmail(KIND, key, partner, "once", _partner_writer(closing, ships)))
    return due


def _apprentice_writer(mentorship: Mentorship):
    def write() -> EmailMessage:
        person = mentorship.apprentice.user
        with speaking(person.language):
            return _apprentice_email(mentorship)

    return write


def _apprentice_email(mentorship: Mentorship) -> EmailMessage:
    person = mentorship.apprentice.user
    cohort = mentorship.apprentice.cohort.name
    lines = [_("Hello %(name)s,", name=person.name), ""]
    if mentorship.end_outcome == MentorshipOutcome.COMPLETED:
        subject = _("Your Pathways certificate")
        lines += [
            _("Congratulations: you completed the %(cohort)s program year.", cohort=cohort),
            _("Your certificate, with the skills your mentor signed off, is here:"),
            absolute_url("outcomes.certificate", mentorship_id=mentorship.id),
            "",
            _("You can print it or save it as a PDF from that page."),
        ]
    else:
        subject = _("Your Pathways program year has ended")
        lines += [
            _(
                "The %(cohort)s program year has closed, and your mentorship with it.",
                cohort=cohort,
            ),
            _(
                "Thank you for taking part. Your institution's contact can tell you what "
                "comes next."
            ),
        ]
    return required_email(
        [person.email], subject, lines, _("it is about your place in the program.")
    )


def _partner_writer(closing: CohortYearClosing, ships: list[Mentorship]):
    def write() -> EmailMessage:
        with speaking(None):
            return _partner_email(closing, ships)

    return write


def _partner_email(closing: CohortYearClosing, ships: list[Mentorship]) -> EmailMessage:
    partner: PartnerInstitution = ships[0].apprentice.partner
    lines = [
        _("Hello %(name)s team,", name=partner.name),
        "",
        _("The %(cohort)s program year is closed. Your apprentices:", cohort=closing.cohort.name),
        "",
    ]
    for mentorship in ships:
        lines.append(f"- {mentorship.apprentice.display_name}: {_outcome_words(mentorship)}")
    lines += [
        "",
        _("Please record what each apprentice does next (a city job, further study) here:"),
        absolute_url("outcomes.index"),
    ]
    subject = _("Pathways: the %(cohort)s program year is closed", cohort=closing.cohort.name)
    why = _("you are the program contact of this apprentice's institution.")
    return required_email(partner_addresses(partner), subject, lines, why)


def _outcome_words(mentorship: Mentorship) -> str:
    if mentorship.end_outcome == MentorshipOutcome.COMPLETED:
        return _(
            "completed (certificate: %(link)s)",
            link=absolute_url("outcomes.certificate", mentorship_id=mentorship.id),
        )
    return _("ended early: %(reason)s", reason=mentorship.end_reason)
