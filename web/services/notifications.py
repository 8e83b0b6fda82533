"""Emails about a published round: composed here, sent by SMTP or kept in the outbox.

`deliver`, `compose` and `absolute_url` serve every other email of the program too.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web import catalog
from web.extensions import db
from web.language import speaking
from web.models import (
    ApprenticeProfile,
    AuditEvent,
    MentorProfile,
    Mentorship,
    PartnerInstitution,
    ProposedMatch,
    Role,
)
from web.models.base import utcnow
from web.services import audit
from web.services.minors import guardian_cc
from web.services.publishing import LIVE

logger = logging.getLogger(__name__)
SENT = "notification.sent"
SMTP_TIMEOUT_SECONDS = 20
# Where emailed links point when nothing says where Pathways is (see absolute_url).
FALLBACK_URL = "http://localhost:5000"
EMAIL_LINE = 76  # characters of text per line, as plain-text mail readers expect


@dataclass
class Notification:
    """One email to send, and the mentorships (for one audience) it tells about.

    `problem` says why the email could not even be written (then `message` is None).
    """

    audience: str
    mentorships: list[Mentorship]
    message: EmailMessage | None
    problem: str = ""


def delivery_description() -> str:
    """Where emails go with the current settings, in words for the coordinator."""
    host = current_app.config.get("SMTP_HOST")
    if host:
        return f"through the mail server {host}:{current_app.config['SMTP_PORT']}"
    return f"to the application log and to .eml files in {outbox_dir()} (no mail server is set)"


def outbox_dir() -> Path:
    """The folder where emails are written when no SMTP server is configured."""
    return Path(current_app.instance_path) / "outbox"


def pending_notifications(round_id: int) -> list[Notification]:
    """Every email about this round's live mentorships that has not been sent yet."""
    _, unsent = round_emails(round_id)
    notes = [_written("apprentice", _to_apprentice, m) for m in unsent["apprentice"]]
    for mentor_ships in _group(unsent["mentor"], lambda m: m.mentor_id).values():
        notes.append(_written("mentor", _to_mentor, mentor_ships))
    for partner_ships in _group(unsent["partner"], lambda m: m.apprentice.partner_id).values():
        notes.append(_written("partner", _to_partner, partner_ships))
    return notes


def _written(audience: str, write, about: Mentorship | list[Mentorship]) -> Notification:
    """The email `write(about)`, or, if it cannot be written (a header with a line break), why."""
    try:
        return write(about)
    except ValueError as error:
        ships = about if isinstance(about, list) else [about]
        return Notification(
            audience, ships, None, problem=f"the email could not be written: {error}"
        )


def round_emails(round_id: int) -> tuple[Counter, dict[str, list[Mentorship]]]:
    """Per audience, how many of the round's live mentorships were told, and which wait.

    Mentorships nobody can be told about (a withdrawn apprentice, a partner without a
    contact) do not wait: no email will ever go out for them.
    """
    mentorships = _round_mentorships(round_id)
    sent = _already_sent([m.id for m in mentorships])
    told = Counter(audience for _, audience in sent)
    unsent = {
        audience: [m for m in mentorships if (m.id, audience) not in sent]
        for audience in ("apprentice", "mentor", "partner")
    }
    unsent["apprentice"] = [m for m in unsent["apprentice"] if m.apprentice.user]
    unsent["partner"] = [m for m in unsent["partner"] if _partner_recipients(m)]
    return told, unsent


def mark_sent(note: Notification) -> None:
    """Record that `note` went out, so no later run sends it again."""
    for mentorship in note.mentorships:
        audit.record(
            None,
            SENT,
            mentorship,
            audience=note.audience,  # the address itself is not kept (see forget_address)
            email_subject=note.message["Subject"],
        )
    db.session.flush()


def deliver(message: EmailMessage) -> None:
    """Send `message` through the configured SMTP server, or keep it in the outbox."""
    config = current_app.config
    message["From"] = config["MAIL_FROM"]
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    if config.get("SMTP_HOST"):
        with smtplib.SMTP(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            smtp.send_message(message)
        logger.info("sent %r to %s", message["Subject"], message["To"])
        return
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
    logger.info("no SMTP_HOST: email kept in %s\n%s", path, message.as_string())


def forget_address(email: str, mentorship_ids: list[int]) -> None:
    """Remove a leaving person's address from the log of sent emails and from the outbox."""
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == SENT,
            AuditEvent.subject_type == "Mentorship",
            AuditEvent.subject_id.in_(mentorship_ids),
        )
    )
    for event in events:
        if "to" in (event.details or {}):  # recorded before addresses stopped being kept
            event.details = {k: v for k, v in event.details.items() if k != "to"}
    folder = outbox_dir()
    if not email or not folder.is_dir():
        return
    for path in folder.glob("*.eml"):
        with path.open("rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle, headersonly=True)
        recipients = f"{message.get('To', '')} {message.get('Cc', '')}"
        if email.casefold() in recipients.casefold():
            path.unlink(missing_ok=True)


def _round_mentorships(round_id: int) -> list[Mentorship]:
    return list(
        db.session.scalars(
            select(Mentorship)
            .join(ProposedMatch, Mentorship.match_id == ProposedMatch.id)
            .where(ProposedMatch.round_id == round_id, Mentorship.status.in_(LIVE))
            .order_by(Mentorship.id)
            .options(
                selectinload(Mentorship.match),
                selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.user),
                selectinload(Mentorship.apprentice)
                .selectinload(ApprenticeProfile.partner)
                .selectinload(PartnerInstitution.contacts),
                selectinload(Mentorship.mentor).selectinload(MentorProfile.user),
            )
        )
    )


def _already_sent(mentorship_ids: list[int]) -> set[tuple[int, str]]:
    rows = db.session.execute(
        select(AuditEvent.subject_id, AuditEvent.details).where(
            AuditEvent.action == SENT,
            AuditEvent.subject_type == "Mentorship",
            AuditEvent.subject_id.in_(mentorship_ids),
        )
    )
    return {(subject_id, (details or {}).get("audience")) for subject_id, details in rows}


def _group(mentorships: list[Mentorship], key) -> dict[int, list[Mentorship]]:
    groups: dict[int, list[Mentorship]] = defaultdict(list)
    for mentorship in mentorships:
        groups[key(mentorship)].append(mentorship)
    return groups


def compose(
    to: list[str], subject: str, lines: list[str], cc: list[str] | None = None
) -> EmailMessage:
    """A plain-text email to `to`, copied to `cc`, its body the `lines`; `deliver` adds From."""
    message = EmailMessage()
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message.set_content("\n".join(_wrapped(lines)) + "\n")
    return message


def _wrapped(lines: list[str]):
    """Each line, a paragraph longer than a plain-text email line folded at a space."""
    for line in lines:
        if len(line) <= EMAIL_LINE:
            yield line
            continue
        indent = line[: len(line) - len(line.lstrip())]
        yield from textwrap.wrap(
            line,
            EMAIL_LINE,
            subsequent_indent=indent,
            break_long_words=False,  # links stay whole
            break_on_hyphens=False,
        )


def _mentor_line(mentor: MentorProfile) -> str:
    return f"{mentor.user.name}, {mentor.job_title}, {mentor.department}".strip(", ")


def _to_apprentice(mentorship: Mentorship) -> Notification:
    """The apprentice hears who their mentor is; how to reach them waits for the mentor's yes."""
    apprentice, mentor = mentorship.apprentice, mentorship.mentor
    with speaking(apprentice.user.language):
        reason = mentorship.match.reason
        lines = [
            _("Hello %(name)s,", name=apprentice.user.name),
            "",
            _("Your Pathways mentor is:"),
            _mentor_line(mentor),
            "",
            _("Why you were paired: %(reason)s", reason=reason) if reason else "",
            _(
                "Your mentor will confirm in the next few days and then get in touch to plan "
                "your first meeting. Once they confirm, we email you how to reach them, and your "
                "status page shows it too:"
            ),
            absolute_url("apprentices.status"),
        ]
        subject = _("Your Pathways mentor: %(name)s", name=mentor.user.name)
    message = compose([apprentice.user.email], subject, lines, cc=guardian_cc(apprentice))
    return Notification("apprentice", [mentorship], message)


def _to_mentor(mentorships: list[Mentorship]) -> Notification:
    mentor = mentorships[0].mentor
    with speaking(mentor.user.language):
        lines = [
            _("Hello %(name)s,", name=mentor.user.name),
            "",
            _("You have been paired with:"),
        ]
        for ship in mentorships:
            apprentice = ship.apprentice
            pathways = ", ".join(catalog.shown_label(p) for p in apprentice.pathways)
            lines.append(f"- {apprentice.display_name} ({apprentice.partner.name}); {pathways}")
            if ship.match.reason:
                lines.append("  " + _("Why: %(reason)s", reason=ship.match.reason))
        lines += [
            "",
            _("Please confirm or decline each apprentice within 7 days:"),
            absolute_url("mentors.dashboard"),
        ]
        count = len(mentorships)
        subject = ngettext(
            "%(num)d new Pathways apprentice for you",
            "%(num)d new Pathways apprentices for you",
            count,
        )
    return Notification("mentor", mentorships, compose([mentor.user.email], subject, lines))


def _partner_recipients(mentorship: Mentorship) -> list[str]:
    """The addresses of the apprentice's partner institution, once each; may be empty."""
    partner = mentorship.apprentice.partner
    to = [partner.contact_email] if partner.contact_email else []
    to += [u.email for u in partner.contacts if u.role == Role.PARTNER and u.active]
    if not to:
        logger.debug("partner %s has no contact email; no summary goes to it", partner.id)
    return list(dict.fromkeys(address.lower() for address in to))


def _to_partner(mentorships: list[Mentorship]) -> Notification:
    partner = mentorships[0].apprentice.partner
    to = _partner_recipients(mentorships[0])
    lines = [f"Hello {partner.name} team,", "", "These apprentices of yours now have a mentor:"]
    lines += [f"- {m.apprentice.display_name}: {_mentor_line(m.mentor)}" for m in mentorships]
    subject = f"Pathways pairs for {partner.name}: {len(mentorships)} apprentice(s)"
    return Notification("partner", mentorships, compose(to, subject, lines))


def absolute_url(endpoint: str, **values: object) -> str:
    """A full link for an email, under the address people open Pathways at (PUBLIC_URL).

    Emails are often written outside any web request (by a worker), so the address comes
    from the settings: PUBLIC_URL (a path in it, such as https://city.gov/pathways, is
    kept), else SERVER_NAME, else the request being answered, else http://localhost:5000.
    """
    config = current_app.config
    public = urlsplit(config.get("PUBLIC_URL") or "")
    if public.scheme and public.netloc:
        adapter = current_app.url_map.bind(
            public.netloc, script_name=public.path.rstrip("/") or "/", url_scheme=public.scheme
        )
        return adapter.build(endpoint, values, force_external=True)
    if config.get("SERVER_NAME") or has_request_context():
        return current_app.url_for(endpoint, _external=True, **values)
    logger.warning("PUBLIC_URL is not set: emailed links point to %s", FALLBACK_URL)
    adapter = current_app.url_map.bind(urlsplit(FALLBACK_URL).netloc, url_scheme="http")
    return adapter.build(endpoint, values, force_external=True)
