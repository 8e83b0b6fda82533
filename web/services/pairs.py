"""Who is who in a pair: the side a user takes and the person on the other side."""

from __future__ import annotations

from flask_babel import gettext as _

from web.errors_domain import DomainError
from web.models import Mentorship, MentorshipStatus, Role, User

LIVE = (MentorshipStatus.AWAITING_MENTOR, MentorshipStatus.ACTIVE)


class NotInThisPair(DomainError):
    """The user is neither the mentor nor the apprentice of this mentorship."""


class PairNotLive(DomainError):
    """The mentorship was declined or has ended, so nothing more can be added to it."""


def side_of(mentorship: Mentorship, user: User) -> Role:
    """Role.MENTOR or Role.APPRENTICE: the side `user` takes in `mentorship`."""
    if mentorship.mentor.user_id == user.id:
        return Role.MENTOR
    if mentorship.apprentice.user_id is not None and mentorship.apprentice.user_id == user.id:
        return Role.APPRENTICE
    raise NotInThisPair(_("You are not part of this mentorship."))


def other_side(mentorship: Mentorship, user: User) -> User | None:
    """The person on the other side of the pair from `user` (None once they withdrew)."""
    if side_of(mentorship, user) == Role.MENTOR:
        return mentorship.apprentice.user
    return mentorship.mentor.user


def require_live(mentorship: Mentorship) -> None:
    """Refuse changes to a pair that was declined or has ended."""
    if mentorship.status not in LIVE:
        raise PairNotLive(_("This mentorship is no longer running, so it cannot be changed."))
