"""The provisioning page's form."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from empathy.core.fields import Length
from empathy.scim.services.tokens import MAX_NAME


class ProvisioningTokenForm(FlaskForm):
    name = StringField(lazy_pgettext("the name of a thing: a skill, a token", "Name"),
                       validators=[DataRequired(message=_l("Name the token after the system that uses it.")),
                                   Length(max=MAX_NAME)],
                       description=_l("Which system uses it, e.g. “Microsoft Entra ID”."))
