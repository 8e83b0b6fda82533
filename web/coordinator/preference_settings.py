"""Round settings for stated preferences: their weight, top choices, equity floors, not-fit.

A mixin of the round settings form (web/coordinator/forms.py): the fields, the rules across
them (the matcher's, each said next to its field) and their part of the saved parameters.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import FloatField, IntegerField, RadioField, SelectField
from wtforms.validators import AnyOf, NumberRange, Optional
from wtforms.widgets import NumberInput

from matcher.config import FLOOR_COLUMNS
from matcher.profiles import DEFAULT_STATED_WEIGHT, MAX_RANKED, STATED
from web.profile_fields import options

NOT_FIT_CHOICES = [
    ("soft", _l("Soft: the pair stays possible, as the mentor's last choice")),
    ("hard", _l("Hard: the pair is never proposed")),
]
FLOOR_COLUMN_LABELS = {
    "pathways": _l("Career pathway"),
    "region": _l("Part of the city"),
    "mode": _l("How they meet"),
    "languages": _l("Language"),
    "minor": _l("Under 18 or adult"),
}
assert set(FLOOR_COLUMN_LABELS) | {"partner"} == set(FLOOR_COLUMNS)
RATE_MESSAGE = _l("Give a match rate from 0 to 1, like 0.8.")


def _parse(text: str, kind) -> object:
    return kind(text.replace(",", ".")) if kind is float else kind(text)


class _Number:
    """Parse typed numbers, with a message saying what to type (no cycle with forms.py)."""

    def __init__(self, kind, message):
        self.kind, self.message = kind, message

    def __call__(self, field, valuelist) -> None:
        field.data = None
        if valuelist and valuelist[0].strip():
            try:
                field.data = _parse(valuelist[0], self.kind)
            except ValueError as error:
                raise ValueError(str(self.message)) from error


class RateField(FloatField):
    """A decimal from 0 to 1 (a match rate or a weight)."""

    widget = NumberInput(step="any")

    def process_formdata(self, valuelist):
        _Number(float, _l("Enter a number, like 0.25."))(self, valuelist)


class CountField(IntegerField):
    """A whole number field whose parse error says what to type."""

    def process_formdata(self, valuelist):
        _Number(int, _l("Enter a whole number, like 3."))(self, valuelist)


class PreferenceSettings:
    """Fields and checks of stated preferences, mixed into the round settings form."""

    # Optional, so a form or script from before these settings still starts a round.
    stated_weight = RateField(
        _l("Weight of stated preferences"),
        default=DEFAULT_STATED_WEIGHT,
        validators=[Optional(), NumberRange(0, 1, _l("Give a weight from 0 to 1."))],
    )
    top_choices = CountField(
        _l("Top choices to guarantee"),
        default=0,
        widget=NumberInput(min=0, max=MAX_RANKED),
        validators=[
            Optional(),
            NumberRange(
                0, MAX_RANKED, _l("Give a number from 0 (off) to %(most)d.", most=MAX_RANKED)
            ),
        ],
    )
    not_fit = RadioField(
        _l("When a mentor marks an apprentice “not a good fit”"),
        choices=options(NOT_FIT_CHOICES),
        default="soft",
        validate_choice=False,
        validators=[AnyOf(["soft", "hard", None], _l("Choose soft or hard."))],
    )
    floor_partner = RateField(
        _l("Lowest match rate for every partner institution"),
        validators=[Optional(), NumberRange(0, 1, RATE_MESSAGE)],
    )
    floor_column = SelectField(
        _l("Also a lowest match rate for every group of"),
        choices=options([("", _l("No other group")), *FLOOR_COLUMN_LABELS.items()]),
        default="",
    )
    floor_rate = RateField(
        _l("Lowest match rate for each of those groups"),
        validators=[Optional(), NumberRange(0, 1, RATE_MESSAGE)],
    )

    def validate_preferences(self) -> bool:
        """The matcher's rules across these fields and the objective, said next to a field."""
        ok = True
        if self.floor_column.data and self.floor_rate.data is None:
            self.floor_rate.errors.append(_("Give the lowest match rate for these groups."))
            ok = False
        if self.floor_rate.data is not None and not self.floor_column.data:
            self.floor_column.errors.append(_("Choose which groups this match rate is for."))
            ok = False
        floors = self.floor_partner.data is not None or self.floor_rate.data is not None
        objective, top = self.objective.data, self.top_choices.data or 0
        if objective == "stable" and top:
            self.top_choices.errors.append(
                _(
                    "A stable round cannot also guarantee top choices; "
                    "aim for the most matches to use them."
                )
            )
            ok = False
        elif top and floors:
            self.top_choices.errors.append(
                _(
                    "Top choices and equity floors cannot be combined in one round: "
                    "set one of them to off."
                )
            )
            ok = False
        elif floors and objective == "max_min":
            self.floor_partner.errors.append(
                _(
                    "Equity floors work with the most matches or the best total score, "
                    "not the worst-off pair."
                )
            )
            ok = False
        return ok

    def preference_parameters(self) -> dict:
        """These settings in the shape a round stores them."""
        floors = {}
        if self.floor_partner.data is not None:
            floors["partner"] = float(self.floor_partner.data)
        if self.floor_column.data and self.floor_rate.data is not None:
            floors[self.floor_column.data] = float(self.floor_rate.data)
        weight = self.stated_weight.data
        return {
            "stated_weight": DEFAULT_STATED_WEIGHT if weight is None else float(weight),
            "top_choices": int(self.top_choices.data or 0),
            "not_fit": self.not_fit.data or "soft",
            "min_match_rate": floors,
        }

    def fill_preferences(self, parameters: dict) -> None:
        """Pre-fill these fields from an earlier round's settings."""
        weights = parameters.get("weights") or {}
        if STATED in weights:
            self.stated_weight.data = weights[STATED]
        for key in ("top_choices", "not_fit"):
            if key in parameters:
                self[key].data = parameters[key]
        floors = dict(parameters.get("min_match_rate") or {})
        self.floor_partner.data = floors.pop("partner", None)
        for column, rate in floors.items():
            self.floor_column.data, self.floor_rate.data = column, rate
