"""Apprentice forms: registration, profile changes, withdrawal and check-ins."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from web import catalog
from web.profile_fields import (
    AccountFields,
    SkillLevelsField,
    availability_field,
    languages_field,
    mode_field,
    pathways_field,
    region_field,
    shared_values,
)
from web.services import minors
from web.services.registration_choices import CohortChoice


class DateOfBirthField(DateField):
    """A date of birth typed as year-month-day (the browser's date picker sends that)."""

    def process_formdata(self, valuelist):
        """Parse the date, with a message people can act on when it is not one."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                _l("Enter your date of birth as year, month and day, like 2008-04-28.")
            ) from None


def plausible_birth_date(form, field) -> None:
    """A date of birth in the future, or of someone under 10 or over 100, is a typing slip."""
    if field.data and (problem := minors.date_of_birth_problem(field.data)):
        raise ValidationError(problem)


class SchoolFields:
    """The school and cohort of a new apprentice.

    Defined before the profile's fields, as they come before them on the page: WTForms keeps
    fields in the order they were created, and the error summary lists them in that order.
    """

    partner_id = SelectField(
        _l("Your school or organization"),
        validators=[DataRequired(_l("Choose your school or organization."))],
    )
    cohort_id = SelectField(
        _l("Program cohort"), validators=[DataRequired(_l("Choose the cohort you are joining."))]
    )


class ApprenticeProfileForm(FlaskForm):
    """What an apprentice can change until they are matched."""

    pathways = pathways_field(_l("Which careers interest you?"))
    skill_levels = SkillLevelsField(
        _l("What do you want to learn?"),
        levels=catalog.SKILL_LEVELS_WANTED,
        none_label=_l("Not interested"),
        required_message=_l("Choose at least one skill you want to learn."),
    )
    availability = availability_field()
    mode = mode_field()
    region = region_field()
    languages = languages_field(_l("Which languages can you meet in?"))
    date_of_birth = DateOfBirthField(
        _l("Date of birth"),
        validators=[InputRequired(_l("Enter your date of birth.")), plausible_birth_date],
    )
    guardian_name = StringField(
        _l("Parent or guardian's full name"),
        validators=[Length(max=120, message=_l("Keep the name under 120 characters."))],
    )
    guardian_email = EmailField(
        _l("Parent or guardian's email address"),
        validators=[
            Optional(),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
    )
    goals = TextAreaField(
        _l("What do you hope to get out of the program?"),
        validators=[Optional(), Length(max=2000, message=_l("Keep this under 2,000 characters."))],
    )

    # The cohort's start (age is measured then) and the apprentice's own address; views set them.
    cohort_starts_on: date | None = None
    own_email: str = ""

    def details(self) -> dict:
        """The answers as profile column values."""
        return shared_values(self) | {
            "date_of_birth": self.date_of_birth.data,
            "guardian_name": (self.guardian_name.data or "").strip(),
            "guardian_email": (self.guardian_email.data or "").strip().lower(),
            "goals": (self.goals.data or "").strip(),
        }

    def validate(self, extra_validators=None) -> bool:
        """Every field, then a minor's parent or guardian."""
        valid = super().validate(extra_validators)
        return self._guardian_named() and valid

    def is_minor(self) -> bool:
        """True if the date of birth given makes the apprentice under 18 at the cohort's start."""
        day = minors.reference_day(None, self.age_measured_on())
        return not self.date_of_birth.errors and minors.is_minor_on(self.date_of_birth.data, day)

    def age_measured_on(self) -> date:
        """The day age counts on: the cohort's start, or today."""
        return self.cohort_starts_on or date.today()

    def _guardian_named(self) -> bool:
        if not self.is_minor():
            return True
        name, email = self.guardian_name, self.guardian_email
        if not (name.data or "").strip():
            name.errors.append(
                _(
                    "You will be under 18 when the cohort starts, so we need your parent or "
                    "guardian's name."
                )
            )
        if not (email.data or "").strip():
            email.errors.append(
                _(
                    "You will be under 18 when the cohort starts, so we need your parent or "
                    "guardian's email address."
                )
            )
        elif not email.errors and email.data.strip().lower() == self._own_email():
            email.errors.append(
                _(
                    "Enter your parent or guardian's own email address, not yours: they confirm "
                    "their consent from it."
                )
            )
        return not (name.errors or email.errors)

    def _own_email(self) -> str:
        return (self.own_email or "").strip().lower()


class ApprenticeRegistrationForm(AccountFields, SchoolFields, ApprenticeProfileForm):
    """A new apprentice: account, school and cohort, and the profile (in the page's order)."""

    # Cohorts whose registration is open (the view sets them): the select's choices, and
    # the start of the one chosen, when age is measured.
    open_cohorts: list[CohortChoice] = []

    def age_measured_on(self) -> date:
        """The start of the cohort chosen, or today if none is chosen yet."""
        chosen = self.cohort_id.data or ""
        starts = next((c.starts_on for c in self.open_cohorts if str(c.id) == chosen), None)
        return starts or date.today()

    def _own_email(self) -> str:
        return (self.email.data or "").strip().lower()


class WithdrawForm(FlaskForm):
    """Confirmation that the apprentice wants to leave; only the CSRF token."""


class ResendConsentForm(FlaskForm):
    """Ask for the guardian's consent email again; only the CSRF token."""
