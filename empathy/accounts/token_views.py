"""Account settings: personal access tokens for the JSON API (create, list, revoke)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from empathy.accounts.login import me
from empathy.accounts.services import tokens as token_service
from empathy.core import once, web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.fields import Length
from empathy.core.web import form_error

bp = Blueprint("tokens", __name__)
web.init_blueprint(bp)


class TokenForm(FlaskForm):
    name = StringField(lazy_pgettext("the name of a thing: a skill, a token", "Name"),
                       validators=[DataRequired(message=_l("Say what the token is for.")),
                                   Length(max=token_service.MAX_NAME)],
                       description=_l("What the token is for, e.g. “HR sync script”."))
    expires = SelectField(_l("Expires"), default="30", choices=[
        SelectChoice("7", _l("In 7 days")), SelectChoice("30", _l("In 30 days")), SelectChoice("90", _l("In 90 days")),
        SelectChoice("365", _l("In a year")), SelectChoice("never", _l("Never"))])


def _page(form: TokenForm, new_token: str | None = None, status: int = 200):
    rows = token_service.list_tokens(session=get_session(), user=me())
    return render_template("api/tokens.html", form=form, tokens=rows, new_token=new_token,
                           revoke_form=FlaskForm()), status


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
@once.one_time_form(lambda _row: url_for("tokens.tokens"))
def tokens():
    form = TokenForm()
    if once.validate(form):
        lifetime = None if form.expires.data == "never" else timedelta(days=int(form.expires.data))
        try:
            _row, secret = token_service.create_token(session=get_session(), user=me(), name=form.name.data,
                                                      secret_key=current_app.config["SECRET_KEY"], lifetime=lifetime,
                                                      submission=once.submission())
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            # Shown on this response only, never flashed: the session cookie is signed, not encrypted.
            return _page(TokenForm(formdata=None), new_token=secret)
    return _page(form, status=422 if form.errors else 200)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if FlaskForm().validate_on_submit():
        try:
            token_service.revoke_token(session=get_session(), user=me(), token_id=token_id)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The token is revoked. Programs that use it can no longer sign in."), "success")
    return redirect(url_for("tokens.tokens"))
