"""Users: search, roles, deactivation, activation links and two-factor resets."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from empathy.accounts.login import me
from empathy.accounts.services import activation, two_factor
from empathy.admin.forms import ROLE_LABELS, ActiveForm, RoleForm
from empathy.admin.services import users as admin_service
from empathy.admin.views import bp, page_arg
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.mail import deliver_queued
from empathy.core.runtime import send_mail_after_response
from empathy.core.urls import safe_next


def _back():
    return redirect(safe_next(request.form.get("next")) or url_for("admin.users"))


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users():
    query, role = request.args.get("q", ""), request.args.get("role", "")
    page = admin_service.list_users(session=get_session(), query=query, role=role, page=page_arg(),
                                    per_page=current_app.config["ITEMS_PER_PAGE"])
    with_two_factor = two_factor.users_with_two_factor(get_session(), [u.id for u in page.items])
    return render_template("admin/users.html", page=page, query=query, role=role, role_labels=ROLE_LABELS,
                           role_form=RoleForm(), active_form=ActiveForm(), with_two_factor=with_two_factor)


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role from the list."), "error")
        return _back()
    try:
        user = admin_service.change_role(session=get_session(), actor=me(), user_id=user_id, role=form.role.data)
    except ServiceError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.message, "error")
    else:
        flash(_("%(name)s is now: %(role)s.", name=user.display_name, role=ROLE_LABELS[user.role]), "success")
    return _back()


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    form = ActiveForm()
    active = form.active.data == "1"
    try:
        user = admin_service.set_user_active(session=get_session(), actor=me(), user_id=user_id, active=active)
    except ServiceError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.message, "error")
    else:
        if active:
            flash(_("%(name)s can sign in again.", name=user.display_name), "success")
        else:
            flash(_("%(name)s is deactivated and signed out everywhere.", name=user.display_name), "success")
    return _back()


@bp.get("/users/<int:user_id>/activation-link")
def activation_link(user_id: int):
    try:
        user, url = activation.activation_link_for(
            session=get_session(), user_id=user_id, secret_key=current_app.config["SECRET_KEY"],
            base_url=current_app.config["BASE_URL"])
    except ServiceError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.message, "info")
        return redirect(url_for("admin.users"))
    return render_template("admin/activation_link.html", user=user, url=url, form=ActiveForm())


@bp.post("/users/<int:user_id>/activation-mail")
def resend_activation(user_id: int):
    try:
        user = activation.resend_activation_mail(
            session=get_session(), user_id=user_id, secret_key=current_app.config["SECRET_KEY"],
            base_url=current_app.config["BASE_URL"])
    except ServiceError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.message, "info")
        return redirect(url_for("admin.users"))
    deliver_queued(get_session(), current_app.config["SMTP"])
    flash(_("The activation e-mail is sent again to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.activation_link", user_id=user_id))


@bp.post("/users/<int:user_id>/two-factor/reset")
def reset_two_factor(user_id: int):
    try:
        user = two_factor.reset_by_admin(session=get_session(), actor=me(), user_id=user_id)
    except ServiceError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.message, "info")
    else:
        send_mail_after_response()
        flash(_("Two-factor sign-in is off for %(name)s, who is signed out everywhere and can set it up again.",
                name=user.display_name), "success")
    return _back()
