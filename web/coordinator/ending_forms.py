"""The form a coordinator fills in to end a mentorship, saying how and why."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from web.models import MentorshipOutcome
from web.services.mentorships import OUTCOMES


class EndMentorshipForm(FlaskForm):
    """How the mentorship ends, why, and whether the apprentice is matched again."""

    outcome = RadioField(
        "How does the mentorship end?",
        choices=[SelectChoice(str(key), label) for key, label in OUTCOMES.items()],
        validators=[DataRequired("Choose how the mentorship ends.")],
    )
    reason = TextAreaField(
        "Why?",
        validators=[Length(max=2000, message="Keep the reason under 2,000 characters.")],
    )
    back_to_pool = BooleanField("Match the apprentice again in the next round")

    def validate(self, extra_validators=None) -> bool:
        """An early end needs a reason; a completed apprentice is never matched again."""
        valid = super().validate(extra_validators)
        outcome = self.outcome.data
        if outcome == MentorshipOutcome.ENDED_EARLY and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, "Say why the mentorship ended early."]
            valid = False
        if outcome == MentorshipOutcome.COMPLETED and self.back_to_pool.data:
            self.back_to_pool.errors = [
                *self.back_to_pool.errors,
                "A completed apprentice is not matched again; untick this, or choose "
                "“Ended early”.",
            ]
            valid = False
        return valid
