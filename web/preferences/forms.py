"""Forms of the stated-preferences step."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from matcher.profiles import MAX_RANKED
from web.profile_fields import options

CHOICE_LABELS = (
    _l("First choice"),
    _l("Second choice"),
    _l("Third choice"),
    _l("Fourth choice"),
    _l("Fifth choice"),
)


def _mentor_id(value) -> int | None:
    """A mentor id from the select (None for no choice); anything else is refused."""
    if value in (None, "", "0", 0):
        return None
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        raise ValueError(_("Choose a mentor from the list."))
    return int(text)


class RankingForm(FlaskForm):
    """Up to MAX_RANKED mentors, most wanted first; blanks mean no choice."""

    @property
    def choice_fields(self) -> list[SelectField]:
        """The rank selects, first choice first."""
        return [self[f"choice_{r}"] for r in range(1, MAX_RANKED + 1)]

    def set_mentors(self, pairs: list[tuple[int, str]]) -> None:
        """Offer the apprentice's shortlist in every select."""
        for f in self.choice_fields:
            f.choices = options([("", _l("No choice")), *pairs])

    def chosen(self) -> list[int | None]:
        """The selected mentor ids in rank order."""
        return [f.data for f in self.choice_fields]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        seen: set[int] = set()
        for f in self.choice_fields:
            if f.data is not None and f.data in seen:
                f.errors.append(_("You already chose this mentor above."))
                ok = False
            seen.add(f.data)
        return ok


class MentorSelect(SelectField):
    """A select of mentor ids whose parse error says what to do.

    Whether a chosen mentor is one offered is the service's rule (its messages say why).
    """

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=_mentor_id, validate_choice=False, **kwargs)
        self.type = "SelectField"  # drawn like every other select

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = _mentor_id(valuelist[0])


for _rank, _label in enumerate(CHOICE_LABELS[:MAX_RANKED], start=1):
    setattr(RankingForm, f"choice_{_rank}", MentorSelect(_label))


class StepForm(FlaskForm):
    """A button-only form (open or close the step, save marks): just the CSRF token."""
