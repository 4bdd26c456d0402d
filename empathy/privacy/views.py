"""The employee's privacy choices, data download and account deletion; the admins' audit log."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, logout_user

from empathy.accounts.login import me, recently_confirmed, role_required
from empathy.core import audit, web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.runtime import after_response
from empathy.core.web import form_error
from empathy.models import AUDIT_ACTIONS
from empathy.privacy import account_data
from empathy.privacy import services as privacy
from empathy.privacy.forms import DeleteAccountForm, PrivacyForm
from empathy.suggestions.runtime import refit_without_deleted

bp = Blueprint("privacy", __name__)
web.init_blueprint(bp)


@bp.route("/account/privacy", methods=["GET", "POST"])
@login_required
def privacy_page():
    session = get_session()
    form = PrivacyForm(data=privacy.current_consents(session=session, user=me()))
    if form.validate_on_submit():
        changed = privacy.set_consents(session=session, user=me(), choices=form.choices())
        flash(_("Your choices are saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for("privacy.privacy_page"))
    history = privacy.consent_history(session=session, user=me())
    return render_template("privacy/privacy.html", form=form, history=history, labels=privacy.LABELS,
                           version=privacy.WORDING_VERSION)


@bp.get("/account/data.json")
@login_required
def download():
    data = account_data.export_my_data(session=get_session(), user=me())
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="empathy-my-data.json"'})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    # An account with a password confirms with it; one without (single sign-on) by signing in again at its
    # identity provider, minutes before (the page offers the button).
    has_password = me().password_hash is not None
    confirmed = has_password or recently_confirmed()
    form = DeleteAccountForm()
    if not has_password:
        del form.password
    if form.validate_on_submit():
        try:
            if not confirmed:
                raise ServiceError(_("Confirm that it is you first: sign in again with your organisation's "
                                     "account, then delete within five minutes."))
            account_data.delete_account(session=get_session(), user=me(),
                                        password=form.password.data if has_password else None,
                                        confirmed_elsewhere=not has_password)
        except ServiceError as exc:
            form_error(form, exc, "password" if has_password else None)
        else:
            logout_user()
            after_response(refit_without_deleted)  # the saved matching model must forget their profile too
            flash(_("Your account and personal data are deleted."), "success")
            return redirect(url_for("main.index"))
    return render_template("privacy/delete.html", form=form, has_password=has_password, confirmed=confirmed), \
        422 if form.errors or form.form_errors else 200


@bp.get("/admin/audit")
@role_required("admin")
def audit_log():
    action = request.args.get("action", "")
    page = audit.list_entries(session=get_session(), action=action, page=request.args.get("page", 1, type=int))
    views = audit.describe_entries(session=get_session(), entries=page.items, lang=ui_language())
    return render_template("privacy/audit.html", page=page, views=views, action=action, actions=AUDIT_ACTIONS,
                           labels=audit.ACTION_LABELS)
