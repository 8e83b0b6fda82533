"""Forms of the administration pages: people, roles, partners, cohorts and mentor vetting."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from web.coordinator.forms import CohortForm
from web.models import CoordinatorRole, Role
from web.models.program import PARTNER_KINDS
from web.profile_fields import options
from web.services.accounts import ROLE_LABELS
from web.single_line import SingleLine

ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]
ROLE_HINTS = {
    CoordinatorRole.ADMIN: "everything, including people, partners and cohorts",
    CoordinatorRole.REVIEWER: "reads rounds and reports; cannot approve, publish or change people",
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def name_field(label: str = "Full name") -> StringField:
    """A person's name, required."""
    return StringField(
        label,
        filters=[_strip],
        validators=[DataRequired("Enter the person's name."), Length(max=120), SingleLine()],
    )


def email_field(label: str = "Email address", required: bool = True) -> EmailField:
    """An email address, checked for its form."""
    first = DataRequired("Enter an email address.") if required else Optional()
    return EmailField(
        label,
        filters=[_strip],
        validators=[
            first,
            Email("Enter an email address like name@example.org."),
            Length(max=254),
        ],
    )


class InviteCoordinatorForm(FlaskForm):
    """A new coordinator: name, email and role; they get an invitation link."""

    name = name_field()
    email = email_field()
    coordinator_role = RadioField(
        "Role",
        choices=options(ROLE_CHOICES),
        default=CoordinatorRole.REVIEWER.value,
        validators=[AnyOf([v for v, _ in ROLE_CHOICES], "Choose a role.")],
    )


class RoleForm(FlaskForm):
    """Change a coordinator's role."""

    coordinator_role = SelectField(
        "Role",
        choices=options(ROLE_CHOICES),
        validators=[AnyOf([v for v, _ in ROLE_CHOICES], "Choose a role from the list.")],
    )


class DeactivateForm(FlaskForm):
    """Why an account is closed (optional, kept in the audit log)."""

    reason = TextAreaField("Reason (kept in the audit log)", validators=[Length(max=1000)])


class ButtonForm(FlaskForm):
    """A button-only form: just the CSRF token."""


class AccountFilterForm(FlaskForm):
    """Find accounts by name or email and role (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name or email contains", validators=[Length(max=100)])
    role = SelectField(
        "Role",
        choices=options([("", "Any role"), *((r.value, r.value.title()) for r in Role)]),
        default="",
        validate_choice=False,
        validators=[Optional(), AnyOf([r.value for r in Role], "Choose a role from the list.")],
    )


class PartnerForm(FlaskForm):
    """A partner institution: name, kind and contact details."""

    name = StringField(
        "Name of the institution",
        filters=[_strip],
        validators=[
            DataRequired("Enter the institution's name."),
            Length(max=160),
            SingleLine(),
        ],
    )
    kind = SelectField(
        "Kind of institution",
        choices=options([("", "- Select -"), *PARTNER_KINDS.items()]),
        validators=[DataRequired("Choose the kind of institution.")],
    )
    contact_name = StringField(
        "Contact person",
        filters=[_strip],
        validators=[Optional(), Length(max=120), SingleLine()],
    )
    contact_email = email_field("Contact email address", required=False)
    contact_phone = StringField(
        "Contact phone", filters=[_strip], validators=[Optional(), Length(max=40)]
    )

    def values(self) -> dict:
        """The typed values, by model field."""
        return {
            name: self[name].data
            for name in ("name", "kind", "contact_name", "contact_email", "contact_phone")
        }


class InviteContactForm(FlaskForm):
    """A partner contact to invite: name and email."""

    name = name_field("Contact's full name")
    email = email_field("Contact's email address")


class CohortEditForm(CohortForm):
    """A cohort's name, dates and description; registration is opened and closed apart."""

    registration_open = None


class RefuseMentorForm(FlaskForm):
    """Why a mentor's offer is turned down (kept in the audit log)."""

    reason = TextAreaField(
        "Why is this offer turned down?",
        validators=[
            DataRequired("Say why; the reason is kept in the audit log."),
            Length(max=1000, message="Keep the reason under 1,000 characters."),
        ],
    )
