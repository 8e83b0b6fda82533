"""Coordinator forms: cohorts, round settings, decisions and the filters of lists."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import NumberInput

from matcher.profiles import COMPONENTS, DEFAULT_WEIGHTS, STATED
from web.catalog import PATHWAYS
from web.coordinator.preference_settings import PreferenceSettings
from web.models import MatchStatus
from web.models.base import LARGEST_ID
from web.profile_fields import options
from web.single_line import SingleLine

WHO_MAX = 254  # an email address can be this long

OBJECTIVE_CHOICES = [
    ("max_matches", "Match as many apprentices as possible, then the best total score"),
    ("max_score", "Best total score, even if fewer apprentices are matched"),
    ("max_min", "Favour the worst-off pair: make the lowest score as high as possible"),
    ("stable", _l("Stable: no apprentice and mentor would both rather be together, as they said")),
]
COMPONENT_LABELS = {
    "skills": "Skills to learn",
    "pathways": "Shared pathways",
    "schedule": "Shared weekly time",
    "location": "Same region or online",
    "language": "Shared languages",
}


def _read_number(field, valuelist, parse, message: str) -> None:
    """Set `field.data` from the typed text (None when empty); a bad number says `message`."""
    field.data = None
    if valuelist and valuelist[0].strip():
        try:
            field.data = parse(valuelist[0])
        except ValueError as error:
            raise ValueError(message) from error


def _decimal(text: str) -> float:
    return float(text.replace(",", "."))


class NumberField(FloatField):
    """A decimal number field whose parse error says what to type."""

    widget = NumberInput(step="any")

    def process_formdata(self, valuelist):
        _read_number(self, valuelist, _decimal, "Enter a number, like 0.25.")


class WholeNumberField(IntegerField):
    """A whole number field whose parse error says what to type."""

    def process_formdata(self, valuelist):
        _read_number(self, valuelist, int, "Enter a whole number, like 60.")


class RecordId:
    """Validator: the field names a record by id (digits, 1 to LARGEST_ID), or nothing (0, "").

    Query strings and forms are typed by hand too; a number past 32 bits would make
    PostgreSQL fail instead of finding no row.
    """

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        value = field.data
        if value in (None, "", 0):
            return
        digits = str(value)
        if not (digits.isascii() and digits.isdigit() and 0 < int(digits) <= LARGEST_ID):
            raise ValidationError(self.message)


CHOOSE_COHORT = "Choose a cohort from the list."


def cohort_select(label: str, **kwargs) -> SelectField:
    """A select of cohorts by id (0 for none); anything else typed says CHOOSE_COHORT."""
    return SelectField(
        label,
        coerce=int,
        validate_choice=False,
        invalid_value_message=CHOOSE_COHORT,
        validators=[RecordId(CHOOSE_COHORT)],
        **kwargs,
    )


class PlainDateField(DateField):
    """A date field whose parse error shows the expected format."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a date like 2027-02-01 (year-month-day).") from error


class CohortForm(FlaskForm):
    """A new cohort: unique name, dates in order, registration open or not."""

    name = StringField("Cohort name", validators=[DataRequired(), Length(max=120), SingleLine()])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    starts_on = PlainDateField("Starts on", validators=[Optional()])
    ends_on = PlainDateField("Ends on", validators=[Optional()])
    registration_open = BooleanField("Registration is open to apprentices", default=True)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.starts_on.data and self.ends_on.data:
            if self.ends_on.data <= self.starts_on.data:
                self.ends_on.errors.append("The cohort must end after it starts.")
                return False
        return ok


def _weight_field(component: str) -> NumberField:
    return NumberField(
        COMPONENT_LABELS.get(component, component.title()),
        default=DEFAULT_WEIGHTS[component],
        validators=[
            InputRequired("Give a weight from 0 to 1."),
            NumberRange(0, 1, "Give a weight from 0 to 1."),
        ],
    )


class RoundSettingsForm(PreferenceSettings, FlaskForm):
    """The rules of a matching round, saved with it so its result can be reproduced."""

    def shown_values(self) -> tuple[tuple[str, str], ...]:
        """Each field's value as the form shows it: what its kept HTML is kept under."""
        return tuple((f.name, repr(f.data)) for f in self if f.name != "csrf_token")

    objective = RadioField(
        "What should the round aim for?", choices=options(OBJECTIVE_CHOICES), default="max_matches"
    )
    min_overlap_minutes = WholeNumberField(
        "Minimum shared time per week (minutes)",
        default=60,
        widget=NumberInput(min=0, max=600, step=15),
        validators=[
            InputRequired("Give the minimum in minutes."),
            NumberRange(0, 600, "Give a number of minutes from 0 to 600."),
        ],
    )
    min_score = NumberField(
        "Minimum score for a pair",
        default=0.0,
        validators=[
            InputRequired("Give a minimum score from 0 to 1."),
            NumberRange(0, 1, "Give a minimum score from 0 to 1."),
        ],
    )
    load_spreading = NumberField(
        "Load spreading",
        default=0.0,
        validators=[
            InputRequired("Give a number from 0 to 1."),
            NumberRange(0, 1, "Give a number from 0 to 1."),
        ],
    )

    @property
    def weight_fields(self) -> list:
        """The weight field of each score component, in the matcher's order."""
        return [self[f"weight_{c}"] for c in COMPONENTS]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        weights = [f.data for f in self.weight_fields]
        if all(w is not None for w in weights) and sum(weights) <= 0:
            self.weight_fields[0].errors.append(
                "At least one score component needs a weight above 0."
            )
            return False
        return self.validate_preferences() and ok

    def parameters(self) -> dict:
        """The validated settings in the shape a round stores them."""
        preferences = self.preference_parameters()
        weights = {c: float(self[f"weight_{c}"].data) for c in COMPONENTS}
        weights[STATED] = preferences.pop("stated_weight")
        return {
            "weights": weights,
            "objective": self.objective.data,
            "min_overlap_minutes": int(self.min_overlap_minutes.data),
            "min_score": float(self.min_score.data),
            "load_spreading": float(self.load_spreading.data),
            **preferences,
        }

    def fill_from(self, parameters: dict) -> None:
        """Pre-fill the form with an earlier round's settings."""
        for c in COMPONENTS:
            if c in parameters.get("weights", {}):
                self[f"weight_{c}"].data = parameters["weights"][c]
        for key in ("objective", "min_overlap_minutes", "min_score", "load_spreading"):
            if key in parameters:
                self[key].data = parameters[key]
        self.fill_preferences(parameters)


for _component in COMPONENTS:
    setattr(RoundSettingsForm, f"weight_{_component}", _weight_field(_component))


class RejectForm(FlaskForm):
    """Why a pair is rejected (kept in the audit log)."""

    reason = TextAreaField(
        "Why reject this pair?",
        validators=[DataRequired("Say why you reject this pair."), Length(max=1000)],
    )


class DecisionForm(FlaskForm):
    """A button-only form (approve, lock, retry, re-run): just the CSRF token."""


class BulkApproveForm(FlaskForm):
    """Approve every proposed pair at or above a score."""

    min_score = NumberField(
        "Approve all proposed pairs scoring at least",
        id="approve_min_score",  # the filter form on the same page has its own min_score
        validators=[Optional(), NumberRange(0, 1, "Give a score from 0 to 1.")],
    )


class RoundFilterForm(FlaskForm):
    """Filters of a round's pair table, read from the query string."""

    class Meta:
        csrf = False

    partner = SelectField("Partner", choices=options([("", "All partners")]), validate_choice=False)
    pathway = SelectField(
        "Pathway",
        choices=options([("", "All pathways"), *PATHWAYS.items()]),
        validators=[Optional()],
    )
    min_score = NumberField(
        "Minimum score", validators=[Optional(), NumberRange(0, 1, "Give a score from 0 to 1.")]
    )
    status = SelectField(
        "Decision",
        choices=options([("", "Any decision")] + [(s.value, s.value.title()) for s in MatchStatus]),
        validators=[Optional()],
    )


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, read from the query string."""

    class Meta:
        csrf = False

    action = SelectField("Action", choices=options([("", "All actions")]), validate_choice=False)
    # Typed, not chosen: a list of everyone who ever acted would grow with the program.
    who = StringField(
        _l("Who"),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            Optional(),
            Length(max=WHO_MAX, message=_l("Type at most %(max)d characters.", max=WHO_MAX)),
            SingleLine(),
        ],
    )
    date_from = PlainDateField("From", validators=[Optional()])
    date_to = PlainDateField("To", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.date_from.data and self.date_to.data:
            if self.date_to.data < self.date_from.data:
                self.date_to.errors.append("The end date must not be before the start date.")
                return False
        return ok
