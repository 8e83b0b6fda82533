"""Emails with a link to set a password: invitations for imported people, and forgotten ones."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from web.auth.services import find_user_by_email, has_usable_password
from web.auth.tokens import INVITATION, RESET, lifetime_in_words, password_token
from web.database import enqueue_after_commit
from web.extensions import db
from web.language import speaking
from web.models import AuditEvent, PeopleImport, Role, User
from web.models.base import utcnow
from web.services import audit, people_imports
from web.services.notifications import absolute_url, compose

logger = logging.getLogger(__name__)

INVITATIONS_TASK = "workers.tasks.send_invitations"
PASSWORD_LINK_TASK = "workers.tasks.send_password_link"
INVITED = "invitation.sent"
LINK_SENT = "password_link.sent"
LINKS_PER_HOUR = 3
# How many invitations a task sends between two commits; a worker that dies in between
# sends at most these again when its task is delivered anew.
COMMIT_EVERY = 50
_WHAT_YOU_CAN_DO = {
    Role.APPRENTICE: _l("see your status in the program and, once you are paired, your mentor"),
    Role.MENTOR: _l("confirm or decline the apprentices paired with you and record check-ins"),
    Role.COORDINATOR: "run the program's cohorts, matching rounds and reports",
    Role.PARTNER: "follow your institution's apprentices and invite your colleagues",
}


@dataclass(frozen=True)
class ImportInvitations:
    """Where the invitations of one import's new accounts stand."""

    accounts: int
    invited: int
    waiting: int
    without_password: int


def run_import_and_invite(import_id: int) -> None:
    """Run a people import; once it has written its people, queue the new accounts' invitations."""
    written = people_imports.run_import(import_id)
    if written is not None:  # None: an earlier delivery already ran it (and invited)
        queue_invitations(written.new_user_ids, import_id=import_id)


def queue_invitations(user_ids: list[int], *, import_id: int | None = None) -> int:
    """Queue, for after the commit, an invitation to each account still without a password."""
    waiting = [user.id for user in _without_password(user_ids)]
    if waiting:
        # The batch tells a retried task which of its emails already went out.
        enqueue_after_commit(INVITATIONS_TASK, waiting, secrets.token_hex(8), import_id)
    return len(waiting)


def invite_again(people_import: PeopleImport, actor: User) -> int:
    """Invite once more the accounts of an import that still have no password; return how many."""
    count = queue_invitations(people_import.created_user_ids or [], import_id=people_import.id)
    if count:
        audit.record(actor, "invitations.requested", people_import, accounts=count)
        db.session.flush()
    return count


def import_invitations(people_import: PeopleImport) -> ImportInvitations | None:
    """Counts for an import's status page; None for imports that kept no list of accounts."""
    if people_import.created_user_ids is None:
        return None
    user_ids = people_import.created_user_ids
    without = {user.id for user in _without_password(user_ids)}
    invited = set(_invited(user_ids))
    return ImportInvitations(
        accounts=len(user_ids),
        invited=len(invited),
        waiting=len(without - invited),
        without_password=len(without),
    )


def pending_invitations(user_ids: list[int], batch: str) -> list[User]:
    """The accounts still without a password that this batch has not emailed yet."""
    done = {user_id for user_id, details in _invited(user_ids).items() if batch in details}
    return [user for user in _without_password(user_ids) if user.id not in done]


def invitation_email(user: User) -> EmailMessage:
    """The invitation to set a first password and sign in."""
    link = absolute_url("auth.set_password", token=password_token(user, INVITATION))
    with speaking(user.language):
        lines = [
            _("Hello %(name)s,", name=user.name),
            "",
            _(
                "You have been added to Pathways, the city's mentoring program, as %(role)s.",
                role=_role_in_words(user),
            ),
            _("To sign in, first choose a password here:"),
            "",
            link,
            "",
            _(
                "The link works for %(time)s, and only once. If it has expired, ask for a new "
                "one here:",
                time=lifetime_in_words(INVITATION),
            ),
            absolute_url("auth.forgot_password"),
            "",
            _(
                "Once your password is set, you can %(what)s.",
                what=_WHAT_YOU_CAN_DO.get(Role(user.role), "use Pathways"),
            ),
            _(
                "You sign in with this email address at %(link)s",
                link=absolute_url("auth.login"),
            ),
        ]
        subject = _("Set your password for Pathways")
    return compose([user.email], subject, lines)


def _role_in_words(user: User) -> str:
    if user.role == Role.APPRENTICE:
        return _("an apprentice")
    if user.role == Role.MENTOR:
        return _("a mentor")
    if user.role == Role.PARTNER and user.partner is not None:
        return f"a contact of {user.partner.name}"
    return f"a {user.role}"


def mark_invited(user: User, batch: str, import_id: int | None) -> None:
    """Record that `user` was sent an invitation (the user id is the subject; no address)."""
    audit.record(None, INVITED, user, batch=batch, import_id=import_id)


def request_password_link(email: str) -> None:
    """Queue a set-password link if an active account uses `email`; the caller says nothing.

    An account gets at most LINKS_PER_HOUR links an hour, so the form cannot flood an inbox.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    recent = select(func.count()).where(
        AuditEvent.action == LINK_SENT,
        AuditEvent.subject_type == "User",
        AuditEvent.subject_id == user.id,
        AuditEvent.at >= utcnow() - timedelta(hours=1),
    )
    if db.session.scalar(recent) >= LINKS_PER_HOUR:
        logger.warning("user %s asked for too many password links; none sent", user.id)
        return
    enqueue_after_commit(PASSWORD_LINK_TASK, user.id, about=user)


def invite_person(user: User, actor: User) -> bool:
    """Queue an invitation for one account without a password; False if it has one."""
    if not queue_invitations([user.id]):
        return False
    audit.record(actor, "invitations.requested", user, accounts=1)
    db.session.flush()
    return True


def password_link_email(user: User) -> EmailMessage:
    """The link asked for on the "Forgot your password?" page."""
    with speaking(user.language):
        lines = [
            _("Hello %(name)s,", name=user.name),
            "",
            _(
                "Someone, probably you, asked for a link to set a new password for the Pathways "
                "account of this email address. Open this link within %(time)s:",
                time=lifetime_in_words(RESET),
            ),
            "",
            absolute_url("auth.set_password", token=password_token(user, RESET)),
            "",
            _("If you did not ask for it, ignore this email: your password stays as it is."),
        ]
        subject = _("Your link to set a Pathways password")
    return compose([user.email], subject, lines)


def mark_link_sent(user: User) -> None:
    """Record that a set-password link went to `user` (the user id is the subject)."""
    audit.record(None, LINK_SENT, user)
    db.session.flush()


def _without_password(user_ids: list[int]) -> list[User]:
    """The active accounts among `user_ids` that have no usable password yet."""
    if not user_ids:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id))
    return [user for user in users if user.active and not has_usable_password(user)]


def _invited(user_ids: list[int]) -> dict[int, set[str]]:
    """The accounts among `user_ids` ever invited, each with the batches that emailed it."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(AuditEvent.subject_id, AuditEvent.details).where(
            AuditEvent.action == INVITED,
            AuditEvent.subject_type == "User",
            AuditEvent.subject_id.in_(user_ids),
        )
    )
    invited: dict[int, set[str]] = {}
    for user_id, details in rows:
        invited.setdefault(user_id, set()).add((details or {}).get("batch", ""))
    return invited
