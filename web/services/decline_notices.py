"""When a mentor declines: the apprentice, their partner and the coordinators are told, once."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.language import speaking
from web.models import (
    ApprenticeProfile,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    PartnerInstitution,
    Role,
    User,
)
from web.services.email_preferences import required_email
from web.services.meetings import local_time
from web.services.notifications import absolute_url
from web.services.reminders import DueEmail, coordinators

logger = logging.getLogger(__name__)
KIND = "decline_notice"
# Declines older than this when the job first meets them are not announced any more.
LOOK_BACK_DAYS = 7
APPRENTICE_WHY = _l("it is about your place in the program.")
PARTNER_WHY = "you are the program contact of this apprentice's institution."
COORDINATOR_WHY = "you coordinate the Pathways program."


# Loads what a notice about a pair needs: both people, the partner and its contacts.
PAIR_PEOPLE = (
    selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.user),
    selectinload(Mentorship.apprentice)
    .selectinload(ApprenticeProfile.partner)
    .selectinload(PartnerInstitution.contacts),
    selectinload(Mentorship.mentor).selectinload(MentorProfile.user),
)


def decline_notices(today: date, mentorship_id: int | None = None) -> list[DueEmail]:
    """Notices about mentors' declines of the last week (or of one mentorship)."""
    due = []
    for mentorship in _recent_declines(today, mentorship_id):
        key = str(mentorship.id)
        apprentice = mentorship.apprentice.user
        if apprentice is not None:
            due.append(DueEmail(KIND, key, apprentice, "once", _to_apprentice(mentorship)))
        partner = mentorship.apprentice.partner
        if partner_addresses(partner):
            due.append(DueEmail(KIND, key, partner, "once", _to_partner(mentorship)))
        due += [
            DueEmail(KIND, key, c, "once", _to_coordinator(mentorship, c)) for c in coordinators()
        ]
    return due


def _recent_declines(today: date, mentorship_id: int | None) -> list[Mentorship]:
    query = (
        select(Mentorship)
        .where(Mentorship.status == MentorshipStatus.DECLINED)
        .order_by(Mentorship.id)
        .options(*PAIR_PEOPLE)
    )
    if mentorship_id is not None:
        query = query.where(Mentorship.id == mentorship_id)
    since = today - timedelta(days=LOOK_BACK_DAYS)
    # A day's margin in UTC for the city's time zone; the exact city date is checked below.
    query = query.where(
        Mentorship.responded_at >= datetime.combine(since - timedelta(days=1), time(), UTC)
    )
    return [
        m
        for m in db.session.scalars(query)
        if m.responded_at and local_time(m.responded_at).date() >= since
    ]


def partner_addresses(partner: PartnerInstitution) -> list[str]:
    """The institution's contact address and its active contacts' addresses, once each."""
    to = [partner.contact_email] if partner.contact_email else []
    to += [u.email for u in partner.contacts if u.role == Role.PARTNER and u.active]
    return list(dict.fromkeys(address.lower() for address in to))


def _to_apprentice(mentorship: Mentorship):
    def write() -> EmailMessage:
        apprentice = mentorship.apprentice.user
        with speaking(apprentice.language):
            lines = [
                _("Hello %(name)s,", name=apprentice.name),
                "",
                _(
                    "The mentor we suggested, %(mentor)s, cannot take you on this time. You are "
                    "back in the pool and will be matched in the next round.",
                    mentor=mentorship.mentor.user.name,
                ),
                absolute_url("apprentices.status"),
            ]
            subject = _("Your Pathways match: a new mentor in the next round")
            return required_email([apprentice.email], subject, lines, str(APPRENTICE_WHY))

    return write


def _to_partner(mentorship: Mentorship):
    def write() -> EmailMessage:
        partner = mentorship.apprentice.partner
        lines = [
            f"Hello {partner.name} team,",
            "",
            f"The mentor proposed for {mentorship.apprentice.display_name} declined.",
            "The apprentice will be matched again in the next round.",
        ]
        subject = f"Pathways: a mentor declined {mentorship.apprentice.display_name}"
        return required_email(partner_addresses(partner), subject, lines, PARTNER_WHY)

    return write


def _to_coordinator(mentorship: Mentorship, coordinator: User):
    def write() -> EmailMessage:
        reason = mentorship.end_reason or "no reason given"
        lines = [
            f"Hello {coordinator.name},",
            "",
            f"{mentorship.mentor.user.name} declined {mentorship.apprentice.display_name}.",
            f"Reason: {reason}",
            "The apprentice is back in the pool for the next round.",
        ]
        subject = f"Mentor declined: {mentorship.apprentice.display_name}"
        return required_email([coordinator.email], subject, lines, COORDINATOR_WHY)

    return write
