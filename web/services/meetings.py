"""Meetings of a pair: logged once held, or proposed with an Outlook-ready invitation."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from web.errors_domain import DomainError
from web.extensions import db
from web.language import speaking
from web.models import Meeting, Mentorship, User
from web.models.base import utcnow
from web.services import audit, pairs
from web.services.email_preferences import required_email
from web.services.notifications import absolute_url

logger = logging.getLogger(__name__)
MIN_MINUTES, MAX_MINUTES = 5, 480
INVITATION_WHY = _l("it is a meeting your mentorship partner asked you to.")


class MeetingRefused(DomainError):
    """A meeting cannot be logged or proposed as given."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def program_timezone() -> ZoneInfo:
    """The city's time zone, in which people type dates and times."""
    return ZoneInfo(current_app.config.get("PROGRAM_TIMEZONE", "America/Chicago"))


def local_time(moment: datetime) -> datetime:
    """`moment` in the city's time zone; SQLite hands back UTC times without their zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(program_timezone())


def meetings_of(mentorship: Mentorship) -> list[Meeting]:
    """The pair's meetings, the most recent first."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.mentorship_id == mentorship.id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )


def log_meeting(
    mentorship: Mentorship, author: User, held_on: date, minutes: int, topic: str, today: date
) -> Meeting:
    """Record a meeting the pair has held (today or earlier, since the match was published)."""
    pairs.side_of(mentorship, author)
    pairs.require_live(mentorship)
    if held_on > today:
        raise MeetingRefused(_("A meeting can be logged once it has taken place."), "held_on")
    if held_on < local_time(mentorship.published_at).date():
        raise MeetingRefused(_("This date is before you were matched."), "held_on")
    meeting = Meeting(
        mentorship=mentorship,
        author=author,
        held_on=held_on,
        minutes=_checked_minutes(minutes),
        topic=_checked_topic(topic),
    )
    db.session.add(meeting)
    audit.record(author, "meeting.logged", mentorship, held_on=held_on.isoformat())
    db.session.flush()
    return meeting


def propose_meeting(
    mentorship: Mentorship,
    author: User,
    starts: datetime,
    minutes: int,
    topic: str,
    place: str,
    now: datetime | None = None,
) -> Meeting:
    """Propose a future meeting; `starts` is local wall time. The invitation goes out later."""
    pairs.side_of(mentorship, author)
    pairs.require_live(mentorship)
    if pairs.other_side(mentorship, author) is None:
        raise MeetingRefused(_("The other side of this mentorship has left the program."))
    starts_at = starts.replace(tzinfo=program_timezone()).astimezone(UTC)
    if starts_at <= (now or utcnow()):
        raise MeetingRefused(_("Choose a date and time in the future."), "starts_on")
    meeting = Meeting(
        mentorship=mentorship,
        author=author,
        held_on=starts.date(),
        starts_at=starts_at,
        minutes=_checked_minutes(minutes),
        topic=_checked_topic(topic),
        place=place.strip()[:200],
        proposed=True,
        uid=f"{uuid.uuid4()}@pathways",
    )
    db.session.add(meeting)
    audit.record(author, "meeting.proposed", mentorship, starts_at=starts_at.isoformat())
    db.session.flush()
    return meeting


def _checked_minutes(minutes: int) -> int:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise MeetingRefused(
            _(
                "Enter a length from %(least)d to %(most)d minutes.",
                least=MIN_MINUTES,
                most=MAX_MINUTES,
            ),
            "minutes",
        )
    return minutes


def _checked_topic(topic: str) -> str:
    topic = " ".join(topic.split())
    if not topic:
        raise MeetingRefused(_("Say what the meeting is about."), "topic")
    if len(topic) > 200:
        raise MeetingRefused(_("Keep the topic under 200 characters."), "topic")
    return topic


def invitation_ics(meeting: Meeting, organizer: User, attendee: User) -> bytes:
    """The meeting as an iCalendar REQUEST, which Outlook shows as an invitation."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//City of Chicago//Pathways//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    starts_at = local_time(meeting.starts_at)
    event.add("uid", meeting.uid)
    event.add("dtstamp", utcnow())
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=meeting.minutes))
    event.add("summary", f"Pathways: {meeting.topic}")
    if meeting.place:
        event.add("location", meeting.place)
    event.add("organizer", _address(organizer, "ORGANIZER"))
    event.add("attendee", _address(attendee, "ATTENDEE"))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _address(user: User, kind: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = icalendar.vText(user.name)
    if kind == "ATTENDEE":
        address.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        address.params["rsvp"] = icalendar.vText("TRUE")
    return address


def invitation_email(meeting: Meeting) -> EmailMessage | None:
    """The email to the other side with the .ics attached; None if nobody can receive it."""
    organizer = meeting.author
    attendee = pairs.other_side(meeting.mentorship, organizer) if organizer else None
    if organizer is None or attendee is None:
        return None
    local = local_time(meeting.starts_at)
    with speaking(attendee.language):
        when = f"{format_date(local.date(), 'full')}, {local:%H:%M}"
        length = ngettext("%(num)d minute", "%(num)d minutes", meeting.minutes)
        lines = [
            _("Hello %(name)s,", name=attendee.name),
            "",
            _("%(name)s proposes a Pathways meeting:", name=organizer.name),
            f"{meeting.topic}",
            _("When: %(when)s (%(length)s)", when=when, length=length),
            _("Where: %(place)s", place=meeting.place) if meeting.place else "",
            "",
            _("The invitation is attached: open it to add the meeting to your calendar."),
            absolute_url("program_year.pair", mentorship_id=meeting.mentorship_id),
        ]
        subject = _("Meeting proposed: %(topic)s", topic=meeting.topic)
        message = required_email([attendee.email], subject, lines, str(INVITATION_WHY))
    message["Cc"] = organizer.email
    message.add_attachment(
        invitation_ics(meeting, organizer, attendee),
        maintype="text",
        subtype="calendar",
        filename="invitation.ics",
        params={"method": "REQUEST"},
    )
    return message
