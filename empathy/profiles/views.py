"""The signed-in employee's own profile: skills, availability, languages and causes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from empathy.accounts.login import me
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.web import form_error
from empathy.profiles import services as profile_service
from empathy.profiles.forms import profile_form

bp = Blueprint("employees", __name__)
web.init_blueprint(bp)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    session, user, lang = get_session(), me(), ui_language()
    current = profile_service.get_profile(session=session, user=user)
    form = profile_form(
        profile=current,
        skills=profile_service.profile_skills(session=session, profile=current),
        sites=profile_service.active_sites(session, keep_id=current.site_id),
        lang=lang,
        formdata=request.form if request.method == "POST" else None,
    )
    if form.add_rows.data:
        form.add_blank_rows()
    elif form.validate_on_submit():
        try:
            profile_service.update_profile(session=session, user=user, data=form.to_update())
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("employees.profile"))
    if request.method == "POST" and not form.add_rows.data:
        flash(_("Some fields need your attention; nothing was saved yet."), "error")
    suggestions = profile_service.skill_suggestions(session, lang)
    return render_template("employees/profile.html", form=form, skill_suggestions=suggestions)
