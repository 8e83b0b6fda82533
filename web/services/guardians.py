"""A minor's parent or guardian: their consent before any match, and a copy of every email.

The guardian confirms through a signed link emailed to them; it works once, for
CONSENT_LIFETIME, and only for the guardian address it was sent to.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer

from web.auth.tokens import InvalidLink, SpentLink
from web.database import enqueue_after_commit
from web.errors_domain import DomainError
from web.extensions import db
from web.language import speaking
from web.models import ApprenticeProfile, MentorshipOutcome, Role, User
from web.models.base import utcnow
from web.services import audit
from web.services.mentorships import end_mentorship, live_mentorship_for
from web.services.minors import guardian_cc
from web.services.notifications import absolute_url, compose

logger = logging.getLogger(__name__)

CONSENT_TASK = "workers.tasks.send_guardian_consent_request"
CONSENT_LIFETIME = timedelta(days=14)
RESEND_AFTER = timedelta(minutes=10)
_SALT = "pathways.guardian-consent"
_BROKEN = _l("This link is not complete or was changed. Use the newest email we sent you.")


class ConsentNotNeeded(DomainError):
    """The apprentice is not a minor, or their guardian has already consented."""


class ConsentAlreadyGiven(SpentLink):
    """The consent link was used: it now opens the page that withdraws the consent."""


WITHDRAWN_REASON = "The parent or guardian withdrew their consent."
ENDING_NOTICES_TASK = "workers.year_tasks.send_ending_notices"


def needs_consent(profile: ApprenticeProfile) -> bool:
    """True while a minor waits for their guardian's consent."""
    return profile.is_minor and profile.guardian_consent_at is None


def guardian_changed(profile: ApprenticeProfile, name: str, email: str) -> bool:
    """Store the guardian's name and address; True if the address is new (consent restarts)."""
    email = email.strip().lower()
    changed = email != (profile.guardian_email or "").lower()
    profile.guardian_name, profile.guardian_email = name.strip(), email
    if changed:
        profile.guardian_consent_at = None
        profile.guardian_consent_requested_at = None
    return changed


def request_consent(profile: ApprenticeProfile, actor: User | None, *, now=None) -> None:
    """Queue the consent email to the guardian (after the commit); audited."""
    if not needs_consent(profile):
        raise ConsentNotNeeded(
            _("Your parent or guardian's consent is not needed or already given.")
        )
    if not profile.guardian_email:
        raise DomainError(_("Add your parent or guardian's email address to your profile first."))
    now = now or utcnow()
    last = profile.guardian_consent_requested_at
    if last is not None and now - _aware(last) < RESEND_AFTER:
        minutes = int(RESEND_AFTER.total_seconds() // 60)
        raise DomainError(
            _(
                "We sent the request less than %(minutes)d minutes ago. Ask your parent or "
                "guardian to check their inbox and spam folder, or try again later.",
                minutes=minutes,
            )
        )
    profile.guardian_consent_requested_at = now
    audit.record(actor, "guardian.consent_requested", profile)
    db.session.flush()
    enqueue_after_commit(CONSENT_TASK, profile.id)


def request_if_needed(profile: ApprenticeProfile, actor: User | None) -> bool:
    """Request consent for a minor who has a guardian and has not asked yet; True if queued."""
    asked = profile.guardian_consent_requested_at is not None
    if needs_consent(profile) and profile.guardian_email and not asked:
        request_consent(profile, actor)
        return True
    return False


def consent_token(profile: ApprenticeProfile) -> str:
    """The token of the consent link, bound to the guardian address it is sent to."""
    payload = {"apprentice": profile.id, "guardian": _fingerprint(profile.guardian_email)}
    return _serializer().dumps(payload)


def profile_for_token(token: str, *, now: datetime | None = None) -> ApprenticeProfile:
    """The apprentice a valid, unused consent link is for; raise InvalidLink or SpentLink."""
    profile, signed_at = _profile_signed_for(token)
    if profile.guardian_consent_at is not None:
        raise ConsentAlreadyGiven(_("Consent was already confirmed with this link. Thank you."))
    if (now or utcnow()) - signed_at > CONSENT_LIFETIME:
        raise SpentLink(
            _(
                "This link has expired: it worked for %(days)d days. The apprentice can send "
                "you a new one from their status page.",
                days=CONSENT_LIFETIME.days,
            )
        )
    return profile


def _profile_signed_for(token: str) -> tuple[ApprenticeProfile, datetime]:
    """The apprentice of a consent link sent to their current guardian, and when it was signed."""
    try:
        payload, signed_at = _serializer().loads(token, return_timestamp=True)
        apprentice_id, guardian = int(payload["apprentice"]), payload["guardian"]
    except (BadData, KeyError, TypeError, ValueError):
        raise InvalidLink(str(_BROKEN)) from None
    profile = db.session.get(ApprenticeProfile, apprentice_id)
    if profile is None or profile.user is None:
        raise SpentLink(_("This apprentice is no longer in the program, so nothing is needed."))
    if _fingerprint(profile.guardian_email) != guardian:
        raise SpentLink(_("This link was for another address: the guardian's email has changed."))
    return profile, signed_at


def confirm_consent(token: str, *, now: datetime | None = None) -> ApprenticeProfile:
    """Record the guardian's consent from their link; the link is spent afterwards."""
    profile = profile_for_token(token, now=now)
    profile.guardian_consent_at = now or utcnow()
    audit.record(None, "guardian.consent_confirmed", profile, guardian=profile.guardian_name)
    db.session.flush()
    return profile


def profile_for_withdrawal(token: str) -> ApprenticeProfile:
    """The apprentice whose guardian's consent this link gave, while it stands (no time limit)."""
    profile, _signed_at = _profile_signed_for(token)
    if profile.guardian_consent_at is None:
        raise SpentLink(_("Your consent is not given at the moment: there is nothing to withdraw."))
    return profile


def withdraw_consent(token: str) -> list[int]:
    """Take the guardian's consent back: the minor's live pairs end and they wait for consent.

    The apprentice stays registered, so a new consent later puts them back in the pool (never
    with the same mentor). Returns the ids of the pairs ended; each side is told.
    """
    profile = profile_for_withdrawal(token)
    profile.guardian_consent_at = None
    profile.guardian_consent_requested_at = None
    ended = []
    if (mentorship := live_mentorship_for(profile)) is not None:
        end_mentorship(
            mentorship, MentorshipOutcome.ENDED_EARLY, WITHDRAWN_REASON, None, back_to_pool=True
        )
        enqueue_after_commit(ENDING_NOTICES_TASK, mentorship.id)
        ended.append(mentorship.id)
    audit.record(
        None, "guardian.consent_withdrawn", profile, guardian=profile.guardian_name, ended=ended
    )
    db.session.flush()
    return ended


def consent_request_email(profile: ApprenticeProfile) -> EmailMessage:
    """The email asking the guardian to confirm consent, with the single-use link."""
    name = profile.user.name
    with speaking(profile.user.language):  # the family reads what the apprentice chose
        lines = [
            _("Hello %(name)s,", name=profile.guardian_name),
            "",
            _(
                "%(name)s has registered for Pathways, the city's mentoring program, and named "
                "you as their parent or guardian. Because they are under 18, we need your "
                "consent before we pair them with a mentor from the city's technology staff.",
                name=name,
            ),
            "",
            _("Read what you consent to, and confirm, here:"),
            absolute_url("guardians.consent", token=consent_token(profile)),
            "",
            _(
                "The link works for %(days)d days, and only once. If you did not expect this "
                "email, ignore it: nothing happens without your confirmation.",
                days=CONSENT_LIFETIME.days,
            ),
        ]
        subject = _("Your consent for %(name)s to join Pathways", name=name)
    return compose([profile.guardian_email], subject, lines)


def copy_for_guardian(user: User, message: EmailMessage) -> EmailMessage | None:
    """A minor's guardian's copy of an email carrying an account link: it says so, without it.

    A set-password or verification link acts for the minor, so the guardian is told of it,
    not given it.
    """
    profile = user.apprentice_profile if user.role == Role.APPRENTICE else None
    to = guardian_cc(profile)
    if not to:
        return None
    with speaking(user.language):
        lines = [
            _("Hello %(name)s,", name=profile.guardian_name),
            "",
            _(
                "As %(name)s's parent or guardian you receive a copy of every email Pathways "
                "sends them. We have just sent them this email: “%(subject)s”.",
                name=user.name,
                subject=message["Subject"],
            ),
            _(
                "It holds a personal link for their account only, which is why it is not "
                "repeated here."
            ),
            "",
            _(
                "Questions? Contact the program team at %(address)s.",
                address=current_app.config["MAIL_FROM"],
            ),
        ]
        subject = _("Copy: %(subject)s", subject=message["Subject"])
    return compose(to, subject, lines)


def _fingerprint(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored one is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
