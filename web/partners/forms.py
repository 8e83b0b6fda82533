"""Forms on the partner pages: filtering a cohort's list and naming an API token."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from web.partners.services import STATUS_LABELS
from web.single_line import SingleLine


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class StatusFilterForm(FlaskForm):
    """Show only apprentices of one status; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "All statuses")]
        + [SelectChoice(key.value, text) for key, text in STATUS_LABELS.items()],
        default="",
        validate_choice=False,
    )

    def validate_status(self, field: SelectField) -> None:
        """Accept only the statuses offered, with a message people can act on."""
        if field.data and field.data not in STATUS_LABELS:
            raise ValidationError("Choose one of the statuses in the list.")


class TokenForm(FlaskForm):
    """A name for a new API token, so the partner can tell its tokens apart."""

    name = StringField(
        "Token name",
        filters=[_strip],
        validators=[
            DataRequired("Give the token a name, for example the system that will use it."),
            Length(max=80, message="Keep the name to 80 characters or fewer."),
            SingleLine(),
        ],
    )
