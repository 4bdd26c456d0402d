"""Forms of the volunteering workflow: sign-ups, invitations, people, hours and credentials."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from empathy.core.fields import DateField, Length
from empathy.core.inputs import MAX_ID
from empathy.models import CREDENTIAL_KINDS
from empathy.profiles.forms import NumberField


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class VolunteerForm(FlaskForm):
    message = TextAreaField(_l("A note for the coordinator (optional)"), validators=[Optional(), Length(max=1000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class InviteForm(FlaskForm):
    message = TextAreaField(_l("Message to the people you invite (optional)"),
                            validators=[Optional(), Length(max=1000)])


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class SuggestionFilterForm(FlaskForm):
    class Meta:
        csrf = False

    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    site = SelectField(_l("Site"), coerce=_optional_int, validators=[Optional()], validate_choice=False)
    weekdays = BooleanField(_l("Available on weekdays"))
    weekends = BooleanField(_l("Available at weekends"))
    min_level = SelectField(_l("Minimum level in the must-have skills"), coerce=_optional_int,
                            validators=[Optional()], validate_choice=False)
    min_band = SelectField(_l("Minimum fit"), validators=[Optional()], validate_choice=False)
    available = BooleanField(_l("Has the hours free while the need runs"))
    has_credentials = BooleanField(_l("Holds the required credentials"))


class HoursForm(FlaskForm):
    hours = NumberField(_l("Hours (h)"), validators=[
        InputRequired(message=_l("Enter the hours you gave.")),
        NumberRange(min=0.01, max=24, message=_l("Enter more than 0 and at most 24 hours."))])
    worked_on = DateField(_l("Day"), validators=[DataRequired(message=_l("Enter the day you volunteered."))])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        super().process_data(value)
        if self.data is None:  # a body with no form data (empty, or not UTF-8): no box ticked, not None
            self.data = []


class CredentialForm(FlaskForm):
    kind = SelectField(_l("Credential"), choices=[SelectChoice(k, k) for k in CREDENTIAL_KINDS])
    expires_on = DateField(_l("Valid until"),
                           validators=[DataRequired(message=_l("Enter the day the credential expires."))])
    reference = StringField(_l("Certificate number or reference (optional)"), validators=[Optional(), Length(max=120)])


class NeedCredentialsForm(FlaskForm):
    kinds = MultiCheckboxField(_l("Credentials every volunteer must hold"),
                               choices=[SelectChoice(k, k) for k in CREDENTIAL_KINDS],
                               validate_choice=False)


class BulkHoursForm(FlaskForm):
    """The ticked hours records of a review list (the service checks each id: not on the choices here)."""

    record_ids = SelectMultipleField(_l("Hours to approve"), coerce=int, choices=[], validate_choice=False)

    def record_ids_sent(self) -> list[int]:
        """The ticked ids; one that is not a number the database can hold is dropped (it names no record)."""
        return [n for n in (self.record_ids.data or []) if isinstance(n, int) and 1 <= n <= MAX_ID]
