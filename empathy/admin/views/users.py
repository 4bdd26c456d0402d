"""Users: search, adding one, roles, deactivation, activation links, two-factor resets, the registration policy."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from empathy.accounts.login import me
from empathy.accounts.services import activation, registration, two_factor
from empathy.admin.forms import ROLE_LABELS, ActiveForm, NewUserForm, RegistrationPolicyForm, RoleForm
from empathy.admin.services import sites as sites_service
from empathy.admin.services import users as admin_service
from empathy.admin.views import bp, page_arg
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.urls import safe_next
from empathy.core.web import form_error
from empathy.profiles.forms import site_choices


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
    user = two_factor.reset_by_admin(session=get_session(), actor=me(), user_id=user_id,
                                     base_url=current_app.config["BASE_URL"])
    flash(_("Two-factor sign-in is off for %(name)s, who is signed out everywhere and can set it up again.",
            name=user.display_name), "success")
    return redirect(back)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    session = get_session()
    form = NewUserForm()
    form.site.choices = site_choices(sites_service.active_sites(session=session), ui_language(), _("— No site —"))
    if form.validate_on_submit():
        try:
            user, url = admin_service.add_user(
                session=session, actor=me(), email=form.email.data, display_name=form.display_name.data,
                role=form.role.data, department=form.department.data or "",
                site_id=int(form.site.data) if form.site.data else None, send_mail=form.send_mail.data,
                secret_key=current_app.config["SECRET_KEY"], base_url=current_app.config["BASE_URL"])
        except ServiceError as exc:
            form_error(form, exc, "email")
        else:
            flash(_("%(name)s is added. They choose a password through the activation link.",
                    name=user.display_name), "success")
            return render_template("admin/activation_link.html", user=user, url=url, form=ActiveForm())
    return render_template("admin/user_form.html", form=form), 422 if form.errors else 200


@bp.route("/registration", methods=["GET", "POST"])
def registration_policy():
    session = get_session()
    policy = registration.current_policy(session)
    # The stored policy fills the form on GET only: a POST is judged on what it sent.
    shown = {"mode": policy.mode, "domains": "\n".join(policy.domains)} if request.method == "GET" else None
    form = RegistrationPolicyForm(data=shown)
    if form.validate_on_submit():
        try:
            domains = registration.parse_domains(form.domains.data or "")
            registration.set_policy(session=session, actor=me(), mode=form.mode.data, domains=domains)
        except ServiceError as exc:
            form_error(form, exc, "domains")
        else:
            flash(_("The registration policy is saved."), "success")
            return redirect(url_for("admin.registration_policy"))
    return render_template("admin/registration.html", form=form, policy=policy), 422 if form.errors else 200
