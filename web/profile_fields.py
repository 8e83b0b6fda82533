"""Form pieces both apprentices and mentors fill in: schedule, skills, pathways, languages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from matcher.profiles import TimeSlot
from matcher.schedule import merge_slots
from web import catalog
from web.auth.forms import new_password_field, password_again_field
from web.errors_domain import DomainError
from web.models import Mentorship
from web.services import mentorships
from web.services.registration_choices import SkillChoice, skill_choices
from web.single_line import SingleLine


@dataclass(frozen=True)
class TimeBlock:
    """A part of the day people tick in the availability grid."""

    key: str
    label: str
    start: int
    end: int


TIME_BLOCKS = (
    TimeBlock("morning", _l("Morning, 9 am to noon"), 9 * 60, 12 * 60),
    TimeBlock("midday", _l("Lunchtime, noon to 1 pm"), 12 * 60, 13 * 60),
    TimeBlock("afternoon", _l("Afternoon, 1 to 5 pm"), 13 * 60, 17 * 60),
    TimeBlock("evening", _l("Evening, 5 to 8 pm"), 17 * 60, 20 * 60),
)
_BLOCKS = {block.key: block for block in TIME_BLOCKS}


@dataclass(frozen=True)
class Box:
    """One checkbox of a MultiCheckboxField as the page draws it."""

    id: str
    value: str
    label: str
    checked: bool


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self):
        # "At least one" is the group's rule; a `required` on each box would demand all of them.
        for option in super().__iter__():
            option.flags.required = False
            yield option

    def boxes(self) -> list[Box]:
        """The boxes, with the ids iterating the field gives (`<field id>-<n>`).

        Pages draw long lists of boxes from these: iterating the field builds and renders a
        whole WTForms field per box, which costs a large form many milliseconds.
        """
        return [
            Box(f"{self.id}-{n}", choice.value, choice.label, choice.selected)
            for n, choice in enumerate(self.iter_choices())
        ]


def options(pairs) -> list[SelectChoice]:
    """Select or checkbox options from (value, label) pairs or a {value: label} mapping."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(str(value), text) for value, text in items]


def _options(vocabulary: Mapping[str, str]) -> list[SelectChoice]:
    """Options of a catalogue vocabulary, their labels in the language of the page."""
    return options((key, _l(text)) for key, text in vocabulary.items())


def pathways_field(label: str) -> MultiCheckboxField:
    """Career pathways as checkboxes; at least one."""
    return MultiCheckboxField(
        label,
        choices=_options(catalog.PATHWAYS),
        validators=[DataRequired(_l("Choose at least one career pathway."))],
    )


def languages_field(label: str) -> MultiCheckboxField:
    """Languages as checkboxes; at least one."""
    return MultiCheckboxField(
        label,
        choices=_options(catalog.LANGUAGES),
        validators=[DataRequired(_l("Choose at least one language."))],
    )


def mode_field() -> RadioField:
    """In person, online, or either."""
    return RadioField(
        _l("How would you like to meet?"),
        choices=_options(catalog.MODES),
        invalid_choice_message=_l("Choose how you would like to meet."),
    )


def region_field() -> SelectField:
    """The part of the city someone can get to most easily."""
    return SelectField(
        _l("Which part of the city is easiest for you to get to?"),
        choices=[*options([("", _l("- Select -"))]), *_options(catalog.REGIONS)],
        validators=[DataRequired(_l("Choose a part of the city."))],
    )


def availability_field() -> MultiCheckboxField:
    """The weekly grid: one checkbox per day and block, at least one.

    Each box is labelled with its block; the page groups them under each day's name.
    """
    choices = [
        SelectChoice(f"{day}-{block.key}", block.label)
        for day in range(len(catalog.DAYS))
        for block in TIME_BLOCKS
    ]
    return MultiCheckboxField(
        _l("When can you meet each week?"),
        choices=choices,
        validators=[DataRequired(_l("Tick at least one time you can meet."))],
    )


def availability_from_grid(ticked: list[str]) -> list[list[int]]:
    """Ticked grid boxes ('0-evening', ...) as stored availability, touching blocks merged."""
    slots = []
    for value in ticked:
        day, block_key = value.split("-", 1)
        block = _BLOCKS[block_key]
        slots.append(TimeSlot(int(day), block.start, block.end))
    return catalog.slots_to_json(merge_slots(slots))


def grid_from_availability(rows: list[list[int]]) -> list[str]:
    """Stored availability as grid boxes: a block is ticked if at least half of it is free."""
    ticked = []
    for slot in catalog.slots_from_json(rows or []):
        for block in TIME_BLOCKS:
            overlap = min(slot.end, block.end) - max(slot.start, block.start)
            if overlap * 2 >= block.end - block.start:
                ticked.append(f"{slot.day}-{block.key}")
    return sorted(set(ticked))


class SkillLevelsField(Field):
    """A level select for every skill of the taxonomy; data is {skill key: level}.

    It is one field made of many <select>s (named '<field>-<skill key>'), so its errors sit
    on one fieldset and the whole answer validates at once.
    """

    def __init__(
        self,
        label: str,
        *,
        levels: Mapping[int, str],
        none_label: str,
        skills: Callable[[], list[SkillChoice]] = skill_choices,
        required_message: str = _l("Choose at least one skill."),
        **kwargs,
    ):
        super().__init__(label, **kwargs)
        self.choices = [("0", none_label), *((str(k), _l(v)) for k, v in levels.items())]
        self.levels = dict(levels)
        self.load_skills = skills
        self.required_message = required_message
        self.flags.required = True

    def process(self, formdata, data=unset_value, extra_filters=None):
        """Read one select per skill from the submitted form, or start from `data`."""
        self.process_errors = []
        self.skills = self.load_skills()
        self.data = {} if data is unset_value or data is None else dict(data)
        self.object_data = self.data
        if formdata is None:
            return
        self.data = {}
        for skill in self.skills:
            raw = formdata.get(self.input_name(skill), "0")
            if raw not in {"0", *(str(k) for k in self.levels)}:
                self.process_errors.append(
                    _(
                        "Choose a level from the list for %(skill)s.",
                        skill=catalog.shown(skill.label),
                    )
                )
            elif raw != "0":
                self.data[skill.key] = int(raw)

    def pre_validate(self, form):
        """At least one skill must have a level."""
        if not self.process_errors and not self.data:
            raise ValidationError(self.required_message)

    def input_name(self, skill: SkillChoice) -> str:
        """The name of the select for `skill`."""
        return f"{self.name}-{skill.key}"

    def input_id(self, skill: SkillChoice) -> str:
        """The id of the select for `skill`."""
        return f"{self.id}-{skill.key}"

    def groups(self) -> list[tuple[str, list[SkillChoice]]]:
        """Skills by career pathway (key), in catalogue order; "" holds those of every career."""
        grouped: dict[str, list[SkillChoice]] = {key: [] for key in ("", *catalog.PATHWAYS)}
        for skill in self.skills:
            grouped[catalog.PATHWAY_OF_SKILL.get(skill.key, "")].append(skill)
        return [(pathway, skills) for pathway, skills in grouped.items() if skills]

    def any_chosen(self, skills: list[SkillChoice]) -> bool:
        """True if one of `skills` has a level (its group then stays in view)."""
        return any(skill.key in self.data for skill in skills)

    def level_choices(self) -> list[tuple[str, str]]:
        """The levels as (value, label), each label translated once for all the selects."""
        return [(value, str(label)) for value, label in self.choices]

    def level_of(self, skill: SkillChoice) -> str:
        """The chosen level of `skill` as the select's value."""
        return str(self.data.get(skill.key, 0))

    def chosen_skills(self) -> dict[SkillChoice, int]:
        """The skills given a level, with their levels."""
        return {skill: self.data[skill.key] for skill in self.skills if skill.key in self.data}


def shared_values(form) -> dict:
    """The answers apprentices and mentors share, as profile column values."""
    return {
        "pathways": list(form.pathways.data),
        "availability": availability_from_grid(form.availability.data),
        "mode": form.mode.data,
        "region": form.region.data,
        "languages": list(form.languages.data),
        "skills": form.skill_levels.chosen_skills(),
    }


def sync_skills(rows: list, levels: Mapping[SkillChoice, int], row_model: type) -> None:
    """Make a profile's skill rows (of `row_model`) hold exactly `levels`, updating kept rows
    in place."""
    wanted = {skill.id: level for skill, level in levels.items()}
    existing = {row.skill_id: row for row in rows}
    for skill_id, row in existing.items():
        if skill_id in wanted:
            row.level = wanted[skill_id]
        else:
            rows.remove(row)
    for skill_id, level in wanted.items():
        if skill_id not in existing:
            rows.append(row_model(skill_id=skill_id, level=level))


def apply_details(profile, details: dict, skill_model: type) -> None:
    """Set a profile's columns from a form's `details()` and its skill rows from 'skills'."""
    values = dict(details)
    levels = values.pop("skills")
    for column, value in values.items():
        setattr(profile, column, value)
    sync_skills(profile.skills, levels, skill_model)


def shared_form_data(profile) -> dict:
    """A stored profile's shared answers, in the shape the form fields take."""
    return {
        "pathways": list(profile.pathways),
        "availability": grid_from_availability(profile.availability),
        "mode": profile.mode,
        "region": profile.region,
        "languages": list(profile.languages),
        "skill_levels": {s.skill.key: s.level for s in profile.skills},
    }


class AccountFields:
    """Name, email and a password typed twice; mixed into both registration forms."""

    name = StringField(
        _l("Your full name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=120), SingleLine()],
    )
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
    )
    password = new_password_field()
    confirm = password_again_field()


class CheckInForm(FlaskForm):
    """A monthly check-in: which month, a 1–5 rating and a note."""

    month = SelectField(_l("Which month is this about?"))
    rating = RadioField(
        _l("How is the mentorship going?"),
        choices=options(
            [
                ("5", _l("5 – Very well")),
                ("4", _l("4 – Well")),
                ("3", _l("3 – OK")),
                ("2", _l("2 – Not so well")),
                ("1", _l("1 – Badly")),
            ]
        ),
        invalid_choice_message=_l("Choose a rating from 1 to 5."),
    )
    note = TextAreaField(
        _l("Anything you want to share?"),
        validators=[Optional(), Length(max=2000, message=_l("Keep this under 2,000 characters."))],
    )

    def set_months(self, months: list[str], label: Callable[[str], str]) -> None:
        """Offer `months` ('YYYY-MM'), newest first."""
        self.month.choices = options((month, label(month)) for month in months)


def check_in_page(mentorship: Mentorship, *, template: str, done_url: str):
    """The check-in form on `mentorship`; once an answer is saved, say so and go to `done_url`."""
    form = CheckInForm()
    form.set_months(mentorships.check_in_months(date.today()), mentorships.month_label)
    if form.validate_on_submit():
        try:
            _, created = mentorships.record_check_in(
                mentorship,
                current_user._get_current_object(),
                form.month.data,
                int(form.rating.data),
                form.note.data or "",
            )
        except DomainError as error:
            form.month.errors.append(str(error))
        else:
            flash(mentorships.check_in_saved_message(form.month.data, created), "success")
            return redirect(done_url)
    return render_template(template, form=form, mentorship=mentorship)
