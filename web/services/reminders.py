"""Periodic emails of the program year, each sent at most once for the period it serves."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from web.extensions import db
from web.language import speaking
from web.models import (
    Mentorship,
    MentorshipStatus,
    PartnerInstitution,
    ReminderSent,
    Role,
    User,
)
from web.services import audit
from web.services.email_preferences import optional_email, required_email
from web.services.mentorships import month_label
from web.services.notifications import absolute_url, deliver
from web.services.pair_activity import (
    checked_in_this_month,
    last_activity,
    mentorships_in,
    people_of,
    published_on,
)
from web.services.reminder_settings import reminder_days

logger = logging.getLogger(__name__)
CHECK_IN_REMINDER_DAY = 20  # of each month, for whoever has not checked in yet
IDLE_DAYS = 45
CONFIRM_WHY = _l("an apprentice is waiting for your answer and cannot start until you reply.")
ESCALATION_WHY = "you coordinate the Pathways program."


@dataclass
class DueEmail:
    """A periodic email that is due: what, to whom, for which period, and how to write it."""

    kind: str
    subject_key: str
    recipient: User | PartnerInstitution
    period: str
    write: Callable[[], EmailMessage | None]


def audience_of(recipient: User | PartnerInstitution) -> str:
    """'user:<id>' or 'partner:<id>': who a periodic email went to, without the address."""
    return f"{'user' if isinstance(recipient, User) else 'partner'}:{recipient.id}"


def already_sent(
    kind: str, subject_key: str, recipient: User | PartnerInstitution, period: str
) -> bool:
    """True if this email went to `recipient` for `period` already."""
    return (
        db.session.scalar(
            select(ReminderSent.id).where(
                ReminderSent.kind == kind,
                ReminderSent.subject_key == subject_key,
                ReminderSent.audience == audience_of(recipient),
                ReminderSent.period == period,
            )
        )
        is not None
    )


def send_once(
    kind: str,
    subject_key: str,
    recipient: User | PartnerInstitution,
    period: str,
    message: EmailMessage,
    today: date | None = None,
) -> bool:
    """Deliver `message` unless it went out for `period` already; record and audit it."""
    if already_sent(kind, subject_key, recipient, period):
        return False
    db.session.add(
        ReminderSent(
            kind=kind,
            subject_key=subject_key,
            audience=audience_of(recipient),
            recipient_id=recipient.id if isinstance(recipient, User) else None,
            period=period,
            sent_on=today or date.today(),
        )
    )
    db.session.flush()  # the unique row first: a second sender fails here, before sending
    deliver(message)
    audit.record(
        None, "reminder.sent", recipient, kind=kind, subject_key=subject_key, period=period
    )
    return True


def due_emails(today: date) -> list[DueEmail]:
    """Every periodic email due on `today` that has not gone out for its period yet."""
    due = check_in_reminders(today) + idle_pair_nudges(today) + confirmation_nudges(today)
    return [d for d in due if not already_sent(d.kind, d.subject_key, d.recipient, d.period)]


def send_due(due: DueEmail, today: date) -> bool:
    """Write and send one due email once; False if it was sent or its person opted out."""
    if already_sent(due.kind, due.subject_key, due.recipient, due.period):
        return False
    message = due.write()
    if message is None:
        logger.info("%s for %s: %s opted out", due.kind, due.subject_key, due.recipient.id)
        return False
    return send_once(due.kind, due.subject_key, due.recipient, due.period, message, today)


def check_in_reminders(today: date) -> list[DueEmail]:
    """From the 20th, a reminder to each side of an active pair that has not checked in."""
    if today.day < CHECK_IN_REMINDER_DAY:
        return []
    month = today.strftime("%Y-%m")
    active = mentorships_in(MentorshipStatus.ACTIVE)
    done = checked_in_this_month(active, month)
    return [
        DueEmail("check_in_reminder", str(m.id), person, month, _check_in_writer(m, person, month))
        for m in active
        for person in people_of(m)
        if (m.id, person.id) not in done
    ]


def _check_in_writer(mentorship: Mentorship, person: User, month: str):
    def write() -> EmailMessage | None:
        if person.role == Role.MENTOR:
            link = absolute_url("mentors.check_in", mentorship_id=mentorship.id)
        else:
            link = absolute_url("apprentices.check_in")
        with speaking(person.language):
            lines = [
                _("Hello %(name)s,", name=person.name),
                "",
                _(
                    "Please tell the program team how your mentorship went in %(month)s. "
                    "It takes a minute:",
                    month=month_label(month),
                ),
                link,
            ]
            subject = _("Your Pathways check-in for %(month)s", month=month_label(month))
            return optional_email(person, subject, lines)

    return write


def idle_pair_nudges(today: date) -> list[DueEmail]:
    """A nudge to both sides of an active pair with no check-in or meeting for 45 days."""
    active = mentorships_in(MentorshipStatus.ACTIVE)
    latest = last_activity(active, today)
    return [
        DueEmail("idle_nudge", str(m.id), person, latest[m.id].isoformat(), _idle_writer(m, person))
        for m in active
        if (today - latest[m.id]).days >= IDLE_DAYS
        for person in people_of(m)
    ]


def _idle_writer(mentorship: Mentorship, person: User):
    def write() -> EmailMessage | None:
        with speaking(person.language):
            lines = [
                _("Hello %(name)s,", name=person.name),
                "",
                _(
                    "We have not heard from your mentorship for %(days)d days or more.",
                    days=IDLE_DAYS,
                ),
                _("Log your last meeting or propose the next one here:"),
                absolute_url("program_year.pair", mentorship_id=mentorship.id),
            ]
            return optional_email(person, _("Time for your next Pathways meeting?"), lines)

    return write


def confirmation_nudges(today: date) -> list[DueEmail]:
    """Mentors who have not answered in N days are nudged; after M days coordinators are told."""
    due = []
    staff = None
    for m in mentorships_in(MentorshipStatus.AWAITING_MENTOR):
        nudge_days, escalate_days = reminder_days(m.apprentice.cohort_id)
        waited = (today - published_on(m)).days
        if waited >= nudge_days:
            mentor = m.mentor.user
            due.append(DueEmail("confirm_nudge", str(m.id), mentor, "once", _nudge_writer(m)))
        if waited >= escalate_days:
            staff = staff if staff is not None else coordinators()
            due += [
                DueEmail("confirm_escalation", str(m.id), c, "once", _escalation_writer(m, c))
                for c in staff
            ]
    return due


def _nudge_writer(mentorship: Mentorship):
    def write() -> EmailMessage:
        mentor = mentorship.mentor.user
        with speaking(mentor.language):
            lines = [
                _("Hello %(name)s,", name=mentor.name),
                "",
                _(
                    "%(name)s is waiting for you to confirm or decline them as your apprentice. "
                    "Please answer here:",
                    name=mentorship.apprentice.display_name,
                ),
                absolute_url("mentors.dashboard"),
            ]
            subject = _("Please answer: an apprentice is waiting for you")
            return required_email([mentor.email], subject, lines, str(CONFIRM_WHY))

    return write


def _escalation_writer(mentorship: Mentorship, coordinator: User):
    def write() -> EmailMessage:
        waited_since = published_on(mentorship)
        lines = [
            f"Hello {coordinator.name},",
            "",
            f"{mentorship.mentor.user.name} has not confirmed or declined",
            f"{mentorship.apprentice.display_name}, published on {waited_since:%d %B %Y}.",
            "The mentor was reminded. You may want to call them or pair the apprentice again.",
        ]
        subject = f"Mentor has not answered since {waited_since:%d %B}"
        return required_email([coordinator.email], subject, lines, ESCALATION_WHY)

    return write


def coordinators() -> list[User]:
    """Active coordinators, who hear about escalations, declines and flags."""
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.COORDINATOR, User.active).order_by(User.id)
        )
    )
