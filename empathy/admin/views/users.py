"""Users: search, roles, deactivation, activation links and two-factor resets."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from empathy.accounts.login import me
from empathy.accounts.services import activation, two_factor
from empathy.admin.forms import ROLE_LABELS, ActiveForm, RoleForm
from empathy.admin.services import users as admin_service
from empathy.admin.views import bp, page_arg
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.urls import safe_next


def _back_url() -> str:
    """The users page the form was on (its search and page), where refusals are flashed too."""
    url = safe_next(request.form.get("next")) or url_for("admin.users")
    web.return_to(url)
    return url


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
    form, back = RoleForm(), _back_url()
    if not form.validate_on_submit():
        flash(_("Choose a role from the list."), "error")
        return redirect(back)
    user = admin_service.change_role(session=get_session(), actor=me(), user_id=user_id, role=form.role.data)
    flash(_("%(name)s is now: %(role)s.", name=user.display_name, role=ROLE_LABELS[user.role]), "success")
    return redirect(back)


@bp.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    back, active = _back_url(), ActiveForm().active.data == "1"
    user = admin_service.set_user_active(session=get_session(), actor=me(), user_id=user_id, active=active)
    if active:
        flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    else:
        flash(_("%(name)s is deactivated and signed out everywhere.", name=user.display_name), "success")
    return redirect(back)


@bp.get("/users/<int:user_id>/activation-link")
def activation_link(user_id: int):
    web.return_to(url_for("admin.users"))
    user, url = activation.activation_link_for(
        session=get_session(), user_id=user_id, secret_key=current_app.config["SECRET_KEY"],
        base_url=current_app.config["BASE_URL"])
    return render_template("admin/activation_link.html", user=user, url=url, form=ActiveForm())


@bp.post("/users/<int:user_id>/activation-mail")
def resend_activation(user_id: int):
    web.return_to(url_for("admin.users"))
    user = activation.resend_activation_mail(
        session=get_session(), user_id=user_id, secret_key=current_app.config["SECRET_KEY"],
        base_url=current_app.config["BASE_URL"])
    flash(_("The activation e-mail is sent again to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.activation_link", user_id=user_id))


@bp.post("/users/<int:user_id>/two-factor/reset")
def reset_two_factor(user_id: int):
    back = _back_url()
    user = two_factor.reset_by_admin(session=get_session(), actor=me(), user_id=user_id)
    flash(_("Two-factor sign-in is off for %(name)s, who is signed out everywhere and can set it up again.",
            name=user.display_name), "success")
    return redirect(back)
