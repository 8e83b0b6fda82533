"""When a coordinator ends a pair during the year: both people and the partner are told, once.

A year's closing writes its own emails (certificates, the partner's summary), so the pairs
it ends are left to it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select

from web.extensions import db
from web.language import speaking
from web.models import (
    ApprenticeProfile,
    CohortYearClosing,
    Mentorship,
    MentorshipOutcome,
    MentorshipStatus,
)
from web.services.decline_notices import PAIR_PEOPLE, partner_addresses
from web.services.email_preferences import required_email
from web.services.meetings import local_time
from web.services.notifications import absolute_url
from web.services.reminders import DueEmail

KIND = "ending_notice"
# Endings older than this when the job first meets them are not announced any more.
LOOK_BACK_DAYS = 7
PERSON_WHY = _l("it is about your place in the program.")
PARTNER_WHY = "you are the program contact of this apprentice's institution."


def ending_notices(today: date, mentorship_id: int | None = None) -> list[DueEmail]:
    """Notices about pairs a coordinator ended in the last week (or about one pair)."""
    due = []
    for mentorship in _recent_endings(today, mentorship_id):
        key = str(mentorship.id)
        for person in (mentorship.apprentice.user, mentorship.mentor.user):
            if person is not None and person.erased_at is None:
                due.append(DueEmail(KIND, key, person, "once", _to_person(mentorship, person)))
        partner = mentorship.apprentice.partner
        if partner_addresses(partner):
            due.append(DueEmail(KIND, key, partner, "once", _to_partner(mentorship)))
    return due


def _recent_endings(today: date, mentorship_id: int | None) -> list[Mentorship]:
    closed_by_the_year = exists().where(
        and_(
            CohortYearClosing.cohort_id == ApprenticeProfile.cohort_id,
            CohortYearClosing.created_at <= Mentorship.ended_at,
        )
    )
    query = (
        select(Mentorship)
        .join(ApprenticeProfile, ApprenticeProfile.id == Mentorship.apprentice_id)
        .where(Mentorship.status == MentorshipStatus.ENDED, ~closed_by_the_year)
        .order_by(Mentorship.id)
        .options(*PAIR_PEOPLE)
    )
    if mentorship_id is not None:
        query = query.where(Mentorship.id == mentorship_id)
    since = today - timedelta(days=LOOK_BACK_DAYS)
    # A day's margin in UTC for the city's time zone; the exact city date is checked below.
    query = query.where(
        Mentorship.ended_at >= datetime.combine(since - timedelta(days=1), time(), UTC)
    )
    return [
        m
        for m in db.session.scalars(query)
        if m.ended_at and local_time(m.ended_at).date() >= since
    ]


def _to_person(mentorship: Mentorship, person):
    def write() -> EmailMessage:
        apprentice = mentorship.apprentice
        other = mentorship.mentor.user if person.id == apprentice.user_id else apprentice.user
        with speaking(person.language):
            if mentorship.end_outcome == MentorshipOutcome.COMPLETED:
                what = _(
                    "The program team has recorded your mentorship with %(other)s as completed. "
                    "Thank you for the time you gave each other.",
                    other=other.name if other else "",
                )
            else:
                what = _(
                    "The program team has ended your mentorship with %(other)s. If you have "
                    "questions about it, reply to this email or contact the program team.",
                    other=other.name if other else "",
                )
            lines = [_("Hello %(name)s,", name=person.name), "", what, ""]
            if person.id == apprentice.user_id:
                lines.append(absolute_url("apprentices.status"))
            else:
                lines.append(absolute_url("mentors.dashboard"))
            subject = _("Your Pathways mentorship has ended")
            return required_email([person.email], subject, lines, str(PERSON_WHY))

    return write


def _to_partner(mentorship: Mentorship):
    def write() -> EmailMessage:
        partner = mentorship.apprentice.partner
        how = (
            "was completed"
            if mentorship.end_outcome == MentorshipOutcome.COMPLETED
            else "ended early"
        )
        lines = [
            f"Hello {partner.name} team,",
            "",
            f"The mentorship of {mentorship.apprentice.display_name} {how}.",
        ]
        if mentorship.end_outcome != MentorshipOutcome.COMPLETED and mentorship.end_reason:
            lines.append(f"Reason recorded by the program team: {mentorship.end_reason}")
        subject = f"Pathways: the mentorship of {mentorship.apprentice.display_name} {how}"
        return required_email(partner_addresses(partner), subject, lines, PARTNER_WHY)

    return write
