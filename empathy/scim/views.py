"""The administrators' Provisioning page: the SCIM base URL, and provisioning tokens (create, list, revoke)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from empathy.accounts.login import me, role_required
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.web import form_error
from empathy.scim.forms import ProvisioningTokenForm
from empathy.scim.services import tokens as token_service

bp = Blueprint("provisioning", __name__, url_prefix="/admin/provisioning")
web.init_blueprint(bp)


@bp.before_request
@role_required("admin")
def _admins_only():
    return None


def _page(form: ProvisioningTokenForm, new_token: str | None = None, status: int = 200):
    rows = token_service.list_tokens(session=get_session())
    scim_url = current_app.config["BASE_URL"].rstrip("/") + "/scim/v2"
    return render_template("admin/provisioning.html", form=form, tokens=rows, new_token=new_token,
                           revoke_form=FlaskForm(), scim_url=scim_url, active_tab="provisioning.tokens"), status


@bp.route("", methods=["GET", "POST"])
def tokens():
    form = ProvisioningTokenForm()
    if form.validate_on_submit():
        try:
            _row, secret = token_service.create_token(session=get_session(), actor=me(), name=form.name.data,
                                                      secret_key=current_app.config["SECRET_KEY"])
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            # Shown on this response only, never flashed: the session cookie is signed, not encrypted.
            return _page(ProvisioningTokenForm(formdata=None), new_token=secret)
    return _page(form, status=422 if form.errors else 200)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    if FlaskForm().validate_on_submit():
        try:
            token_service.revoke_token(session=get_session(), actor=me(), token_id=token_id)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The token is revoked. The system that used it can no longer provision accounts."), "success")
    return redirect(url_for("provisioning.tokens"))
