"""When one side of a pair may see how to reach the other.

An apprentice sees their mentor's email and phone once the mentor has confirmed the match;
a mentor sees an apprentice's email once the coordinator has approved and published the pair.
Every page, email, export and API answer asks here.
"""

from __future__ import annotations

from web.models import MatchStatus, Mentorship, MentorshipStatus

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
