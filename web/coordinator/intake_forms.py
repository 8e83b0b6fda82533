"""Forms for importing people, publishing rounds and watching mentorships."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Regexp

from web.coordinator.forms import cohort_select
from web.services.intake_files import APPRENTICES, KINDS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(FlaskForm):
    """Choose what the file holds and upload it."""

    kind = RadioField(
        "What the file lists",
        choices=[SelectChoice(kind, label) for kind, label in KINDS.items()],
        default=APPRENTICES,
        validators=[DataRequired("Choose whether the file lists apprentices or mentors.")],
    )
    cohort = cohort_select("Cohort the apprentices join")
    upload = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file to upload."),
            FileSize(MAX_UPLOAD_BYTES, message="The file is larger than 5 MB. Split it in parts."),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        """A file of apprentices needs a cohort; mentors do not belong to one."""
        valid = super().validate(extra_validators)
        known = {choice.value for choice in self.cohort.choices if choice.value}
        if self.kind.data == APPRENTICES and self.cohort.data not in known:
            if not self.cohort.errors:  # a cohort typed by hand already says what to do
                self.cohort.errors = ["Choose the cohort the apprentices join."]
            valid = False
        return valid


class ConfirmImportForm(FlaskForm):
    """Import a previewed file, named by the random id it was kept under.

    `confirm` lists the emails of the rows (people in a pair) whose changes were ticked;
    only those the preview asked about count, so no choices are checked here.
    """

    upload_id = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    confirm = SelectMultipleField(choices=[], validate_choice=False)


def cohort_choices(cohorts, first: str) -> list[SelectChoice]:
    """Cohorts as select options, after a first option (value 0) such as "All cohorts"."""
    return [SelectChoice(0, first), *(SelectChoice(c.id, c.name) for c in cohorts)]


class SendEmailsForm(FlaskForm):
    """Queue a published round's waiting emails again; only the CSRF token."""


class MentorshipFilterForm(FlaskForm):
    """Narrow the list of mentorships (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    cohort = cohort_select("Cohort", default=0)
    flagged = BooleanField("Only mentorships that need attention")
