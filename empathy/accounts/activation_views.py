"""The public page where an imported employee sets their first password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from empathy.accounts.forms import SetPasswordForm
from empathy.accounts.login import sign_in
from empathy.accounts.services import activation as service
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.web import form_error

bp = Blueprint("activation", __name__)
web.init_blueprint(bp)


@bp.route("/activate/<token>", methods=["GET", "POST"])
def activate(token: str):
    secret = current_app.config["SECRET_KEY"]
    try:
        user = service.check_token(session=get_session(), token=token, secret_key=secret)
    except ServiceError as exc:
        return render_template("admin/activate.html", problem=exc.message, form=None), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = service.activate_account(session=get_session(), token=token,
                                            password=form.password.data, secret_key=secret)
        except ServiceError as exc:
            form_error(form, exc, "password")
        else:
            sign_in(user, remember=False)
            flash(_("Welcome to Empathy, %(name)s. Your password is set.", name=user.display_name), "success")
            return redirect(url_for("main.home"))
    return render_template("admin/activate.html", problem=None, form=form, user=user)
