"""Forms of the program year: meetings, goals, surveys, cohort reminder settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField, TimeField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from web.profile_fields import MultiCheckboxField, options
from web.services.meetings import MAX_MINUTES, MIN_MINUTES


class PlainDateField(DateField):
    """A date field whose message for a bad date is plain language."""

    def process_formdata(self, valuelist):
        """Read a date, or record a clear message."""
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a date like 2027-03-14.")) from error


class PlainTimeField(TimeField):
    """A time field whose message for a bad time is plain language."""

    def process_formdata(self, valuelist):
        """Read a time, or record a clear message."""
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a time like 17:30.")) from error


class WholeNumber(IntegerField):
    """An integer field whose message for non-numbers is plain language."""

    def process_formdata(self, valuelist):
        """Read a whole number, or record a clear message."""
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a whole number.")) from error


def _minutes_field() -> WholeNumber:
    return WholeNumber(
        _l("Length in minutes"),
        validators=[
            InputRequired(_l("Enter how long the meeting is, in minutes.")),
            NumberRange(
                MIN_MINUTES,
                MAX_MINUTES,
                _l("Enter %(least)d to %(most)d.", least=MIN_MINUTES, most=MAX_MINUTES),
            ),
        ],
    )


def _topic_field() -> StringField:
    return StringField(
        _l("Topic"),
        validators=[
            DataRequired(_l("Say what the meeting is about.")),
            Length(max=200, message=_l("Keep the topic under 200 characters.")),
        ],
    )


class LogMeetingForm(FlaskForm):
    """A meeting the pair has held."""

    held_on = PlainDateField(
        _l("Date of the meeting"), validators=[InputRequired(_l("Enter a date."))]
    )
    minutes = _minutes_field()
    topic = _topic_field()


class ProposeMeetingForm(FlaskForm):
    """A meeting to invite the other side to."""

    starts_on = PlainDateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    starts_at = PlainTimeField(
        _l("Start time"), validators=[InputRequired(_l("Enter a start time."))]
    )
    minutes = _minutes_field()
    topic = _topic_field()
    place = StringField(
        _l("Place or video link"),
        validators=[Optional(), Length(max=200, message=_l("Keep this under 200 characters."))],
    )


class SkillsField(MultiCheckboxField):
    """Skills of the taxonomy as checkboxes, with a plain message for unknown ones."""

    def pre_validate(self, form):
        """Accept only skills offered on the page."""
        offered = {value for value, _ in self.choices}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_l("Choose skills from the list."))


class GoalForm(FlaskForm):
    """A goal for the pair, tied to one or more skills of the taxonomy."""

    title = StringField(
        _l("Goal"),
        validators=[
            DataRequired(_l("Describe the goal.")),
            Length(max=200, message=_l("Keep the goal under 200 characters.")),
        ],
    )
    skills = SkillsField(
        _l("Skills this goal builds"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one skill."))],
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ReminderDaysForm(FlaskForm):
    """N and M of a cohort."""

    nudge_after_days = WholeNumber(
        "Remind a mentor who has not answered after (days)",
        validators=[InputRequired("Enter a number of days."), NumberRange(1, 60, "Enter 1 to 60.")],
    )
    escalate_after_days = WholeNumber(
        "Tell the coordinators after (days)",
        validators=[InputRequired("Enter a number of days."), NumberRange(1, 60, "Enter 1 to 60.")],
    )

    def validate_escalate_after_days(self, field):
        """Coordinators hear after the mentor's reminder, not before."""
        nudge = self.nudge_after_days.data
        if nudge is not None and field.data is not None and field.data <= nudge:
            raise ValidationError("Choose more days than for the mentor's reminder.")


class SurveyForm(FlaskForm):
    """The three questions of a pulse or end-of-year survey."""

    satisfaction = RadioField(
        _l("How satisfied are you with your mentorship?"),
        choices=options((str(n), str(n)) for n in range(1, 6)),
        validators=[InputRequired(_l("Choose a number from 1 to 5."))],
    )
    would_recommend = RadioField(
        _l("How likely are you to recommend Pathways to a friend or colleague?"),
        choices=options((str(n), str(n)) for n in range(11)),
        validators=[InputRequired(_l("Choose a number from 0 to 10."))],
    )
    comment = TextAreaField(
        _l("Anything else you want to tell us?"),
        validators=[Optional(), Length(max=2000, message=_l("Keep this under 2,000 characters."))],
    )
