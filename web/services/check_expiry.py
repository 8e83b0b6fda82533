"""Background checks that lapse or are withdrawn: flagged pairs, and one email to the admins.

`report_lapsed_checks` is the daily job (workers.tasks.check_background_check_expiry): it is
safe to run any number of times, as each lapse or withdrawal is reported once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from web.extensions import db
from web.models import ApprenticeProfile, MentorProfile, Mentorship
from web.models.base import utcnow
from web.services import audit
from web.services.background_checks import aware, is_lapsed, is_valid
from web.services.notifications import absolute_url, compose, deliver
from web.services.program_admins import program_admin_recipients
from web.services.publishing import LIVE

logger = logging.getLogger(__name__)
REPORTED = "mentor.background_check_lapse_reported"


def minor_safety_flag(mentorship: Mentorship, now: datetime | None = None) -> str | None:
    """Why a live pair with a minor needs attention for its mentor's check, or None."""
    mentor = mentorship.mentor
    if not mentorship.apprentice.is_minor or is_valid(mentor, now):
        return None
    if is_lapsed(mentor, now):
        when = f"{aware(mentor.background_check_expires_at):%B %-d, %Y}"
        return f"Mentor's background check lapsed on {when}; the apprentice is under 18"
    if mentor.background_check_withdrawn_at is not None:
        return "Mentor's background check was withdrawn; the apprentice is under 18"
    return "Mentor's background check is not confirmed; the apprentice is under 18"


def newly_lapsed(now: datetime) -> list[MentorProfile]:
    """Mentors whose check lapsed or was withdrawn and has not been reported yet."""
    lapsed = MentorProfile.background_checked.is_(True) & (
        MentorProfile.background_check_expires_at <= now
    )
    withdrawn = MentorProfile.background_check_withdrawn_at.is_not(None)
    return list(
        db.session.scalars(
            select(MentorProfile)
            .where(MentorProfile.background_check_lapse_reported_at.is_(None), lapsed | withdrawn)
            .order_by(MentorProfile.id)
        )
    )


def live_pairs_with_minors(mentor_id: int) -> list[Mentorship]:
    """The mentor's waiting or running mentorships whose apprentice is under 18."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .join(ApprenticeProfile, Mentorship.apprentice_id == ApprenticeProfile.id)
            .where(
                Mentorship.mentor_id == mentor_id,
                Mentorship.status.in_(LIVE),
                ApprenticeProfile.is_minor.is_(True),
            )
            .order_by(Mentorship.id)
            .options(selectinload(Mentorship.apprentice).selectinload(ApprenticeProfile.user))
        )
    )


def report_lapsed_checks(
    now: datetime | None = None, *, after_each: Callable[[], None] | None = None
) -> int:
    """Email the program admins once about each newly lapsed or withdrawn check; say how many.

    `after_each` runs after each email is recorded (the task commits there, so a retry
    after a mail-server failure sends none of the earlier emails again).
    """
    now = now or utcnow()
    to = program_admin_recipients()
    if not to:
        logger.warning("no active coordinator to tell about lapsed background checks")
        return 0
    reported = 0
    for mentor in newly_lapsed(now):
        pairs = live_pairs_with_minors(mentor.id)
        deliver(lapse_email(mentor, pairs, to, now))
        mentor.background_check_lapse_reported_at = now
        audit.record(None, REPORTED, mentor, why=_why(mentor, now), pairs_with_minors=len(pairs))
        db.session.flush()
        reported += 1
        if after_each:
            after_each()
    logger.info("%d lapsed or withdrawn background check(s) reported", reported)
    return reported


def lapse_email(
    mentor: MentorProfile, pairs: list[Mentorship], to: list[str], now: datetime
) -> EmailMessage:
    """The admins' email about one mentor's check, listing their pairs with minors."""
    name = mentor.user.name
    what = "lapsed" if _why(mentor, now) == "lapsed" else "was withdrawn"
    lines = [
        "Hello,",
        "",
        f"The background check of mentor {name} {what}. Until it is confirmed again, the",
        "matcher does not pair them with apprentices under 18.",
        "",
    ]
    if pairs:
        lines.append(f"{name} has {len(pairs)} running pair(s) with an apprentice under 18:")
        lines += [f"- {m.apprentice.display_name}" for m in pairs]
        lines += ["", "Review them on the mentorships page:"]
        lines.append(absolute_url("coordinator.mentorships", flagged="y"))
    else:
        lines.append(f"{name} has no running pair with an apprentice under 18.")
    lines += ["", "The mentor's page:", absolute_url("coordinator.mentor", mentor_id=mentor.id)]
    return compose(to, f"Background check {what}: {name}", lines)


def _why(mentor: MentorProfile, now: datetime) -> str:
    return "lapsed" if is_lapsed(mentor, now) else "withdrawn"
