"""Notifications, the employee's credentials, and the admin's credential checks."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from empathy.accounts.login import me, role_required
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.inputs import db_int
from empathy.core.runtime import org_today
from empathy.core.urls import safe_next
from empathy.core.web import form_error
from empathy.models import CREDENTIAL_KINDS
from empathy.profiles import credentials
from empathy.volunteering.forms import ActionForm, CredentialForm
from empathy.volunteering.services import notifications
from empathy.volunteering.views import bp


@bp.get("/notifications")
@login_required
def notifications_page():
    page = notifications.list_notifications(session=get_session(), user=me(),
                                            page=request.args.get("page", 1, type=int))
    return render_template("workflow/notifications.html", page=page, form=ActionForm(), render=notifications.render)


@bp.post("/notifications/read")
@login_required
def notifications_read():
    note_id = request.form.get("id", type=db_int)
    target = (safe_next(request.form.get("next")) if note_id else None) or url_for("workflow.notifications_page")
    if ActionForm().validate_on_submit():
        web.return_to(target)
        notifications.mark_read(session=get_session(), user=me(), notification_id=note_id)
    return redirect(target)


@bp.route("/credentials", methods=["GET", "POST"])
@login_required
def my_credentials():
    form = CredentialForm()
    form.kind.choices = [SelectChoice(k, credentials.label(k)) for k in CREDENTIAL_KINDS]
    today = org_today()
    form.expires_on.render_kw = {"min": today.isoformat(), "max": credentials.latest_expiry(today).isoformat()}
    if form.validate_on_submit():
        try:
            credentials.record_credential(session=get_session(), user=me(), kind=form.kind.data,
                                          expires_on=form.expires_on.data, reference=form.reference.data or "")
        except ServiceError as exc:
            form_error(form, exc, "kind")
        else:
            flash(_("Credential saved. An administrator will verify it."), "success")
            return redirect(url_for("workflow.my_credentials"))
    rows = credentials.my_credentials(session=get_session(), user=me())
    return render_template("workflow/credentials.html", form=form, rows=rows, label=credentials.label)


@bp.get("/admin/credentials")
@role_required("admin")
def admin_credentials():
    page = credentials.unverified(session=get_session(), page=request.args.get("page", 1, type=int))
    return render_template("workflow/admin_credentials.html", page=page, form=ActionForm(), label=credentials.label)


@bp.post("/admin/credentials/<int:credential_id>/verify")
@role_required("admin")
def verify_credential(credential_id: int):
    back = url_for("workflow.admin_credentials")
    if ActionForm().validate_on_submit():
        web.return_to(back)
        credentials.verify_credential(session=get_session(), actor=me(), credential_id=credential_id)
        flash(_("Credential verified."), "success")
    return redirect(back)
