"""Forms of the coordinators' survey and flag pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from web.coordinator.forms import cohort_select


class SurveyFilterForm(FlaskForm):
    """Narrow the survey answers (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    cohort = cohort_select(_l("Cohort"), default=0)
    kind = SelectField(
        _l("Survey"),
        choices=[
            SelectChoice("", _l("Both surveys")),
            SelectChoice("pulse", _l("30-day pulse")),
            SelectChoice("end_of_year", _l("End of year")),
        ],
        default="",
    )
    with_comment = BooleanField(_l("Only answers with a comment"))


class ResolveFlagForm(FlaskForm):
    """Close a flag, with a short note of what was done."""

    note = TextAreaField(
        _l("What was done (optional)"),
        validators=[
            Optional(),
            Length(max=1000, message=_l("Keep the note under 1,000 characters.")),
        ],
    )
