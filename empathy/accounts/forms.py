"""Sign-in, registration and password forms."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo

from empathy.accounts.services.passwords import MAX_LENGTH, MIN_LENGTH
from empathy.core.fields import EMAIL_MESSAGE, Length

PASSWORD_LENGTH_MESSAGE = _l("Use at least %(min)d characters (and at most %(max)d).")
# Each field says what it wants when it is left empty, never WTForms' generic "This field is required."
YOUR_EMAIL = _l("Enter your e-mail address.")
YOUR_PASSWORD = _l("Enter your password.")
NEW_PASSWORD = _l("Choose a password.")
REPEAT_PASSWORD = _l("Type the password again.")
CODE = _l("Enter the code.")


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(message=YOUR_EMAIL), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=YOUR_PASSWORD), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class RegisterForm(FlaskForm):
    display_name = StringField(lazy_pgettext("a person's name", "Name"),
                               validators=[DataRequired(message=_l("Enter your name.")), Length(max=120)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(message=YOUR_EMAIL), Email(check_deliverability=False,
                                                                         message=EMAIL_MESSAGE), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=NEW_PASSWORD),
                    Length(min=MIN_LENGTH, max=MAX_LENGTH, message=PASSWORD_LENGTH_MESSAGE)],
        description=_l("At least %(n)d characters. A long phrase is easy to remember.", n=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(message=REPEAT_PASSWORD),
                    EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Create account"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(message=_l("Enter your current password."))])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Choose a new password.")),
                    Length(min=MIN_LENGTH, max=MAX_LENGTH, message=PASSWORD_LENGTH_MESSAGE)],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(message=_l("Type the new password again.")),
                    EqualTo("new_password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class SetPasswordForm(FlaskForm):
    """A new password through an activation or reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Choose a new password.")),
                    Length(min=MIN_LENGTH, max=MAX_LENGTH, message=PASSWORD_LENGTH_MESSAGE)],
        description=_l("At least %(n)d characters. A long phrase is easy to remember.", n=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(message=REPEAT_PASSWORD),
                    EqualTo("password", message=_l("The passwords do not match."))],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(message=YOUR_EMAIL), Email(check_deliverability=False,
                                                                         message=EMAIL_MESSAGE), Length(max=254)]
    )


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        lazy_pgettext("a one-time sign-in code", "Code"), validators=[DataRequired(message=CODE), Length(max=32)],
        description=_l("The 6-digit code your authenticator app shows, or one of your recovery codes."),
    )


class SetupCodeForm(FlaskForm):
    code = StringField(lazy_pgettext("a one-time sign-in code", "Code"),
                       validators=[DataRequired(message=CODE), Length(max=32)],
                       description=_l("The 6-digit code the app shows for Empathy."))


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(message=YOUR_PASSWORD), Length(max=MAX_LENGTH)])
    code = StringField(lazy_pgettext("a one-time sign-in code", "Code"),
                       validators=[DataRequired(message=CODE), Length(max=32)],
                       description=_l("A code from your authenticator app, or a recovery code."))
