"""Forms of the privacy page, the account deletion and the audit log filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from empathy.accounts.services.passwords import MAX_LENGTH
from empathy.core.fields import Length
from empathy.privacy.services import LABELS


class PrivacyForm(FlaskForm):
    suggestible = BooleanField(LABELS["suggestible"],
                               description=_l("Off: you are never suggested; you can still volunteer yourself."))
    skills = BooleanField(LABELS["skills"], description=_l("Off: suggestions still use them, but no one sees them."))
    availability = BooleanField(LABELS["availability"])
    contact = BooleanField(LABELS["contact"])

    def choices(self) -> dict[str, bool]:
        return {name: bool(getattr(self, name).data) for name in LABELS}


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"),
                             validators=[DataRequired(message=_l("Enter your password.")), Length(max=MAX_LENGTH)])
    understood = BooleanField(_l("I understand that my account and personal data are deleted for good."),
                              validators=[DataRequired(message=_l("Tick the box to confirm."))])
