"""When one side of a pair may see how to reach the other.

An apprentice sees their mentor's email and phone once the mentor has confirmed the match;
a mentor sees an apprentice's email once the coordinator has approved and published the pair.
Every page, email, export and API answer asks here.
"""

from __future__ import annotations

from email.message import EmailMessage

from flask_babel import gettext as _
from sqlalchemy import func, select

from web.extensions import db
from web.language import speaking
from web.models import AuditEvent, MatchStatus, Mentorship, MentorshipStatus
from web.services import audit
from web.services.minors import guardian_cc
from web.services.notifications import absolute_url, compose

MENTOR_CONTACT_TASK = "workers.tasks.send_mentor_contact"
CONTACT_SENT = "notification.mentor_contact_sent"

_PUBLISHED_AND_RUNNING = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)


def mentor_contact_shared(mentorship: Mentorship | None) -> bool:
    """True once the mentor confirmed the match and while it runs."""
    return mentorship is not None and mentorship.status == MentorshipStatus.ACTIVE


def apprentice_contact_shared(mentorship: Mentorship | None) -> bool:
    """True for a published pair of an approved match that is waiting or running."""
    return (
        mentorship is not None
        and mentorship.status in _PUBLISHED_AND_RUNNING
        and mentorship.match.status == MatchStatus.APPROVED
        and mentorship.apprentice.user is not None
    )


def mentor_contact_to_send(mentorship_id: int) -> Mentorship | None:
    """The confirmed mentorship whose apprentice has not been emailed the mentor's contact yet."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    if not mentor_contact_shared(mentorship) or mentorship.apprentice.user is None:
        return None
    sent = select(func.count()).where(
        AuditEvent.action == CONTACT_SENT,
        AuditEvent.subject_type == "Mentorship",
        AuditEvent.subject_id == mentorship_id,
    )
    return None if db.session.scalar(sent) else mentorship


def mentor_contact_email(mentorship: Mentorship) -> EmailMessage:
    """Once the mentor confirmed, tell the apprentice (guardian copied) how to reach them."""
    apprentice, mentor = mentorship.apprentice, mentorship.mentor
    with speaking(apprentice.user.language):
        lines = [
            _("Hello %(name)s,", name=apprentice.user.name),
            "",
            _(
                "%(mentor)s has confirmed that they will be your Pathways mentor.",
                mentor=mentor.user.name,
            ),
            _("Email: %(email)s", email=mentor.user.email),
            _("Phone: %(phone)s", phone=mentor.phone) if mentor.phone else "",
            "",
            _(
                "Your mentor will get in touch to plan your first meeting; "
                "you can also write first."
            ),
            _("Your status page: %(link)s", link=absolute_url("apprentices.status")),
        ]
        subject = _("%(mentor)s confirmed: how to reach your mentor", mentor=mentor.user.name)
    to, cc = [apprentice.user.email], guardian_cc(apprentice)
    return compose(to, subject, lines, cc=cc)


def mark_contact_sent(mentorship: Mentorship) -> None:
    """Record that the apprentice was told how to reach their mentor (no address is kept)."""
    audit.record(None, CONTACT_SENT, mentorship)
    db.session.flush()
