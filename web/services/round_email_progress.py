"""How far a published round's emails have gone out, by audience, with the failed ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from web.services import email_failures, notifications


@dataclass(frozen=True)
class EmailProgress:
    """How many of a published round's emails went out, by audience, and how many wait."""

    sent: Counter
    waiting: Counter
    failed: list = field(default_factory=list)

    @property
    def fraction(self) -> float:
        """Share of the round's emails sent (1.0 when there is nothing to send)."""
        done = sum(self.sent.values())
        left = sum(self.waiting.values()) + len(self.failed)
        return done / (done + left) if done + left else 1.0

    def told(self, audience: str) -> str:
        """'3 of 5': mentorships whose `audience` has been told, of those running."""
        failed = sum(failure.audience == audience for failure in self.failed)
        total = self.sent[audience] + self.waiting[audience] + failed
        return f"{self.sent[audience]} of {total}"


def email_progress(round_id: int) -> EmailProgress:
    """Emails about the round's running mentorships: sent, and still to send, by audience."""
    told, unsent = notifications.round_emails(round_id)
    failed = email_failures.failures_among(unsent)
    waiting = Counter({audience: len(m) for audience, m in unsent.items()})
    waiting.subtract(Counter(failure.audience for failure in failed))
    return EmailProgress(told, waiting, failed)
