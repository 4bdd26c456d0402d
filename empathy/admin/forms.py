"""Forms of the administrators' area."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Optional

from empathy.core import labels
from empathy.core.fields import EMAIL_MESSAGE, Length
from empathy.models import ROLES

ROLE_LABELS = labels.ROLES  # by role, as every page names it


class ConfirmForm(FlaskForm):
    """A confirmation button: only the CSRF token."""


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[DataRequired(message=_l("Choose a role."))])


class ActiveForm(FlaskForm):
    """Deactivate or reactivate: the button says which."""

    active = HiddenField(validators=[DataRequired(message=_l("Say whether the account is to be active."))])


class SkillForm(FlaskForm):
    name = StringField(lazy_pgettext("the name of a thing: a skill, a token", "Name"),
                       validators=[DataRequired(message=_l("Enter the skill's name.")), Length(max=120)],
                       description=_l("The canonical name, unique in the taxonomy."))
    label_en = StringField(_l("English label"), validators=[Optional(), Length(max=120)])
    label_zh = StringField(_l("Chinese label"), validators=[Optional(), Length(max=120)])
    category = SelectField(_l("Category"), validators=[DataRequired(message=_l("Choose a category."))])
    synonyms = TextAreaField(_l("Synonyms"), validators=[Optional(), Length(max=8000)],
                             description=_l("One per line, or separated by commas."))
    related = TextAreaField(_l("Related skills"), validators=[Optional(), Length(max=8000)],
                            description=_l("Other skills of the taxonomy that share most of this one's knowledge "
                                           "(Accounting for Bookkeeping), one per line: holding one earns partial "
                                           "credit in suggestions. Not synonyms: a synonym is another name of the "
                                           "same skill."))
    mark_reviewed = BooleanField(_l("Mark as reviewed"))
    submit = SubmitField(_l("Save"))


class MergeForm(FlaskForm):
    keep_id = SelectField(_l("Keep this skill"), coerce=int,
                          validators=[DataRequired(message=_l("Choose the skill to keep."))],
                          description=_l("Every profile and need moves to this skill."))
    submit = SubmitField(_l("Merge"))


class SiteForm(FlaskForm):
    code = StringField(lazy_pgettext("a site's short code", "Code"),
                       validators=[DataRequired(message=_l("Enter the site's short code.")), Length(max=60)],
                       description=_l("Lower-case letters, digits and hyphens, e.g. shanghai-hq. Imports may use it."))
    name_en = StringField(_l("English name"),
                          validators=[DataRequired(message=_l("Enter the site's English name.")), Length(max=120)])
    name_zh = StringField(_l("Chinese name"),
                          validators=[DataRequired(message=_l("Enter the site's Chinese name.")), Length(max=120)])
    submit = SubmitField(_l("Save"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("UTF-8 or GB18030, at most 5 MB, with a header row."))
    dry_run = BooleanField(_l("Dry run: check the file and show what would change, write nothing"), default=True)
    submit = SubmitField(_l("Upload"))



class NewUserForm(FlaskForm):
    """One account added by an administrator; the person sets a password through the activation link."""

    email = EmailField(_l("Email"), validators=[
        DataRequired(message=_l("Enter the person's e-mail address.")),
        Email(check_deliverability=False, message=EMAIL_MESSAGE), Length(max=254)])
    display_name = StringField(lazy_pgettext("a person's name", "Name"),
                               validators=[DataRequired(message=_l("Enter the person's name.")), Length(max=120)])
    role = SelectField(_l("Role"), default="employee", choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[DataRequired(message=_l("Choose the person's role."))])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    site = SelectField(_l("Site"), validators=[Optional()])
    send_mail = BooleanField(_l("E-mail the activation link to the person now"), default=True)
    submit = SubmitField(_l("Add user"))


REGISTRATION_MODES = labels.REGISTRATION_MODES


class RegistrationPolicyForm(FlaskForm):
    mode = RadioField(_l("Who may create an account themselves"),
                      validators=[DataRequired(message=_l("Choose who may register."))],
                      choices=[SelectChoice(m, label) for m, label in REGISTRATION_MODES.items()])
    domains = TextAreaField(_l("Domains"), validators=[Optional(), Length(max=5000)],
                            description=_l("One per line or separated by commas, e.g. corp.example."))
    submit = SubmitField(_l("Save"))
