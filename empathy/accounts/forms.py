"""Sign-in, registration and password forms."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from empathy.accounts.services.passwords import MAX_LENGTH, MIN_LENGTH

PASSWORD_LENGTH_MESSAGE = _l("Use at least %(min)d characters (and at most %(max)d).")


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class RegisterForm(FlaskForm):
    display_name = StringField(lazy_pgettext("a person's name", "Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH, message=PASSWORD_LENGTH_MESSAGE)],
        description=_l("At least %(n)d characters. A long phrase is easy to remember.", n=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Create account"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH, message=PASSWORD_LENGTH_MESSAGE)],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class SetPasswordForm(FlaskForm):
    """A new password through an activation or reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH, message=PASSWORD_LENGTH_MESSAGE)],
        description=_l("At least %(n)d characters. A long phrase is easy to remember.", n=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        lazy_pgettext("a one-time sign-in code", "Code"), validators=[DataRequired(), Length(max=32)],
        description=_l("The 6-digit code your authenticator app shows, or one of your recovery codes."),
    )


class SetupCodeForm(FlaskForm):
    code = StringField(lazy_pgettext("a one-time sign-in code", "Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("The 6-digit code the app shows for Empathy."))


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    code = StringField(lazy_pgettext("a one-time sign-in code", "Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("A code from your authenticator app, or a recovery code."))
