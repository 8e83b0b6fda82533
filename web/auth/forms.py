"""Sign-in form, and the forms to ask for and use a set-password link."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from web.auth.passwords import password_problem


def allowed_password(form: FlaskForm, field: PasswordField) -> None:
    """Refuse a password that is too short, too long, or on the list of common ones."""
    if field.data and (problem := password_problem(field.data)):
        raise ValidationError(problem)


def new_password_field() -> PasswordField:
    """A new password, with the rules every account follows."""
    return PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(_l("Choose a password.")), allowed_password],
    )


def password_again_field() -> PasswordField:
    """The new password typed a second time, which must match the field named "password"."""
    return PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Authentication code"),
        validators=[
            DataRequired(_l("Enter the code your authenticator app shows.")),
            Length(max=20, message=_l("Enter the 6 digits your app shows, or a recovery code.")),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    """The email address to send a set-password link to."""

    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
    )


class SetPasswordForm(FlaskForm):
    """A new password typed twice, with the same rules as at registration."""

    password = new_password_field()
    confirm = password_again_field()
