"""Sites: the places profiles and needs refer to."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from empathy.accounts.login import me
from empathy.admin.forms import ActiveForm, SiteForm
from empathy.admin.services import sites as service
from empathy.admin.views import bp
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.web import form_error


@bp.get("/sites")
def sites():
    return render_template("admin/sites.html", sites=service.list_sites(session=get_session()), form=ActiveForm())


@bp.route("/sites/new", methods=["GET", "POST"])
def new_site():
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = service.create_site(session=get_session(), code=form.code.data,
                                       name_en=form.name_en.data, name_zh=form.name_zh.data)
        except ServiceError as exc:
            form_error(form, exc, "code")
        else:
            flash(_("The site “%(name)s” is added.", name=site.name_en), "success")
            return redirect(url_for("admin.sites"))
    return render_template("admin/site_form.html", form=form, site=None)


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
def edit_site(site_id: int):
    site = service.get_site(session=get_session(), site_id=site_id)
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        try:
            site = service.update_site(session=get_session(), site_id=site_id, code=form.code.data,
                                       name_en=form.name_en.data, name_zh=form.name_zh.data)
        except ServiceError as exc:
            form_error(form, exc, "code")
        else:
            flash(_("The site “%(name)s” is saved.", name=site.name_en), "success")
            return redirect(url_for("admin.sites"))
    return render_template("admin/site_form.html", form=form, site=site)


@bp.post("/sites/<int:site_id>/active")
def set_site_active(site_id: int):
    active = ActiveForm().active.data == "1"
    site = service.set_site_active(session=get_session(), site_id=site_id, active=active, actor=me())
    if active:
        flash(_("The site “%(name)s” is offered in forms again.", name=site.name_en), "success")
    else:
        flash(_("The site “%(name)s” is deactivated: forms no longer offer it; existing profiles and needs keep it.",
                name=site.name_en), "success")
    return redirect(url_for("admin.sites"))
