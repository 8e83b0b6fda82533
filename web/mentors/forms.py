"""Mentor forms: registration, profile changes, and answering a proposed apprentice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from web import catalog
from web.profile_fields import (
    AccountFields,
    SkillLevelsField,
    availability_field,
    languages_field,
    mode_field,
    options,
    pathways_field,
    region_field,
    shared_values,
)
from web.single_line import SingleLine

OTHER_TITLE = "other"
MAX_CAPACITY = 5
_CAPACITY_MESSAGE = _l("Enter a whole number from 1 to %(most)d.", most=MAX_CAPACITY)


class WholeNumberField(IntegerField):
    """An integer field whose message for non-numbers is plain language."""

    def process_formdata(self, valuelist):
        """Read a whole number, or record a clear message."""
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_CAPACITY_MESSAGE)) from error


class MentorProfileForm(FlaskForm):
    """What a mentor offers; changes apply from the next matching round."""

    department = SelectField(
        _l("Your department"),
        choices=options([("", _l("- Select -")), *((d, d) for d in catalog.DEPARTMENTS)]),
        validators=[DataRequired(_l("Choose your department."))],
    )
    job_title = SelectField(
        _l("Your job title"),
        choices=options(
            [
                ("", _l("- Select -")),
                *((t, t) for t in catalog.JOB_TITLES),
                (OTHER_TITLE, _l("Something else (type it below)")),
            ]
        ),
        validators=[DataRequired(_l("Choose your job title."))],
    )
    job_title_other = StringField(
        _l("Your job title, if it is not in the list"), validators=[Length(max=120), SingleLine()]
    )
    pathways = pathways_field(_l("Which careers can you help with?"))
    skill_levels = SkillLevelsField(
        _l("What can you teach?"),
        levels=catalog.SKILL_LEVELS_OFFERED,
        none_label=_l("Not for me"),
        required_message=_l("Choose at least one skill you can teach."),
    )
    capacity = WholeNumberField(
        _l("How many apprentices can you mentor?"),
        validators=[
            DataRequired(_CAPACITY_MESSAGE),
            NumberRange(1, MAX_CAPACITY, _CAPACITY_MESSAGE),
        ],
    )
    availability = availability_field()
    mode = mode_field()
    region = region_field()
    languages = languages_field(_l("Which languages can you mentor in?"))
    background_check_declared = BooleanField(
        _l("I have completed the city's background check for working with minors")
    )
    phone = StringField(
        _l("Work phone"),
        validators=[
            Optional(),
            Regexp(
                r"^\+?[0-9 ().-]{7,25}$",
                message=_l("Enter a phone number like 312-555-0100."),
            ),
        ],
    )
    accepting = BooleanField(
        _l("I can take on apprentices in the next matching round"), default=True
    )

    def validate_job_title_other(self, field) -> None:
        """A title typed in is required when 'Something else' is chosen."""
        if self.job_title.data == OTHER_TITLE and not (field.data or "").strip():
            raise ValidationError(_l("Type your job title, or choose one from the list."))

    def details(self) -> dict:
        """The answers as profile column values."""
        title = self.job_title.data
        if title == OTHER_TITLE:
            title = self.job_title_other.data.strip()
        return shared_values(self) | {
            "department": self.department.data,
            "job_title": title,
            "capacity": self.capacity.data,
            "background_check_declared": self.background_check_declared.data,
            "phone": (self.phone.data or "").strip(),
            "accepting": self.accepting.data,
        }


class MentorRegistrationForm(AccountFields, MentorProfileForm):
    """A new mentor: account and profile."""


class ConfirmForm(FlaskForm):
    """Confirm an apprentice; only the CSRF token."""


class DeclineForm(FlaskForm):
    """Decline an apprentice, optionally saying why."""

    reason = TextAreaField(
        _l("Why can you not take this apprentice?"),
        validators=[Optional(), Length(max=1000, message=_l("Keep this under 1,000 characters."))],
    )
