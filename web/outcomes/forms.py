"""Forms of the end of the program year: closing it, outcomes, retention checks, imports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from web.program_year.forms import PlainDateField
from web.services import city_titles
from web.services.outcomes import KIND_LABELS

MAX_IMPORT_BYTES = 1024 * 1024


class CloseYearForm(FlaskForm):
    """The confirmation that closes the year; each pair's decision is read beside it."""

    confirm = BooleanField(
        _l("I checked every pair: close the year and send the emails"),
        validators=[DataRequired(_l("Tick the box to confirm that every pair is right."))],
    )


class SendAgainForm(FlaskForm):
    """Send a stopped closing's waiting emails again (the form carries only its token)."""


def position_choices() -> dict[str, list[SelectChoice]]:
    """The city's titles grouped by department, after a first "none" option."""
    groups: dict[str, list[SelectChoice]] = {"": [SelectChoice("", _l("No city job"))]}
    for department in city_titles.departments():
        groups[department] = [
            SelectChoice(city_titles.position_value(department, title), title)
            for title in city_titles.titles_of(department)
        ]
    return groups


class OutcomeForm(FlaskForm):
    """What the apprentice did, in which city job if any, and when."""

    kind = RadioField(
        _l("What happened?"),
        choices=[SelectChoice(str(key), label) for key, label in KIND_LABELS.items()],
        validators=[DataRequired(_l("Choose what happened."))],
    )
    position = SelectField(
        _l("City department and job title"), choices=position_choices, validate_choice=False
    )
    occurred_on = PlainDateField(
        _l("Date"), validators=[InputRequired(_l("Enter the date it happened."))]
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Length(max=2000, message=_l("Keep the note under 2,000 characters."))],
    )

    def fill_from(self, outcome) -> None:
        """Show an outcome's stored answers."""
        self.kind.data = outcome.kind
        self.position.data = (
            city_titles.position_value(outcome.department, outcome.job_title)
            if outcome.department
            else ""
        )
        self.occurred_on.data = outcome.occurred_on
        self.note.data = outcome.note


class RetentionForm(FlaskForm):
    """Whether the apprentice still works in the job they were hired for, and since when known."""

    still_employed = RadioField(
        _l("Does the apprentice still work in this job?"),
        choices=[SelectChoice("yes", _l("Yes, still employed")), SelectChoice("no", _l("No"))],
        validators=[DataRequired(_l("Choose yes or no."))],
    )
    checked_on = PlainDateField(
        _l("Date checked"), validators=[InputRequired(_l("Enter the date you checked."))]
    )


class OutcomeImportForm(FlaskForm):
    """A CSV file of outcomes to preview."""

    upload = FileField(
        _l("CSV file of outcomes"),
        validators=[
            FileRequired(_l("Choose a CSV file to upload.")),
            FileSize(MAX_IMPORT_BYTES, message=_l("The file is larger than 1 MB. Split it.")),
        ],
    )


class ConfirmOutcomeImportForm(FlaskForm):
    """Save a previewed file: its text comes back and is checked once more."""

    content = HiddenField(validators=[DataRequired()])
