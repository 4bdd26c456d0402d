"""The signed-in employee's own profile: skills, availability, languages and causes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField

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


# The guided profile after registration: each step shows some of the profile's fields, and saves the whole
# profile through the same form and service as the profile page, the fields it does not show as stored.
WELCOME_FIELDS = {
    1: ("skills-",),
    2: ("hours_per_month", "available_weekdays", "available_weekends", "available_evenings", "remote_ok", "travel_ok",
        "causes"),
}
LAST_STEP = 3


def _stored_formdata(form) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would send for `form` as it stands (a GET form of the stored profile)."""
    out: list[tuple[str, str]] = []

    def walk(field) -> None:
        if isinstance(field, FieldList):
            for entry in field.entries:
                walk(entry)
        elif isinstance(field, FormField):
            for sub in field.form:
                walk(sub)
        elif field.type in ("SubmitField", "CSRFTokenField") or field.data is None:
            return
        elif field.type == "BooleanField":
            if field.data:
                out.append((field.name, "y"))
        elif isinstance(field.data, list):
            out.extend((field.name, str(v)) for v in field.data)
        else:
            out.append((field.name, str(field.data)))

    for field in form:
        walk(field)
    return out


def _step_formdata(stored, sent, step: int) -> MultiDict:
    """The stored profile's fields, with those of `step` (and the buttons and token) as sent."""
    names = WELCOME_FIELDS[step]

    def in_step(name: str) -> bool:
        return any(name == n or (n.endswith("-") and name.startswith(n)) for n in names)

    kept = [(k, v) for k, v in _stored_formdata(stored) if not in_step(k)]
    return MultiDict(kept + [(k, v) for k, v in sent.items(multi=True)
                             if in_step(k) or k in ("csrf_token", "add_rows", "submit")])


@bp.route("/welcome/<int:step>", methods=["GET", "POST"])
@login_required
def welcome(step: int):
    """The guided profile: 1 skills with levels, 2 availability and causes, 3 done (then the suggestions).
    Each step may be skipped; the home page invites to it again while the profile lists no skill."""
    if not 1 <= step <= LAST_STEP:
        abort(404)
    if step == LAST_STEP:
        return render_template("employees/welcome.html", step=step, last=LAST_STEP, form=None)
    session, user, lang = get_session(), me(), ui_language()
    current = profile_service.get_profile(session=session, user=user)
    args = {"profile": current, "skills": profile_service.profile_skills(session=session, profile=current),
            "sites": profile_service.active_sites(session, keep_id=current.site_id), "lang": lang}
    form = profile_form(**args)
    if request.method == "POST":
        form = profile_form(**args, formdata=_step_formdata(form, request.form, step))
        if form.add_rows.data:
            form.add_blank_rows()
        elif form.validate_on_submit():
            try:
                profile_service.update_profile(session=session, user=user, data=form.to_update())
            except ServiceError as exc:
                form_error(form, exc)
            else:
                return redirect(url_for("employees.welcome", step=step + 1))
        if not form.add_rows.data:
            flash(_("Some fields need your attention; nothing was saved yet."), "error")
    suggestions = profile_service.skill_suggestions(session, lang) if step == 1 else []
    return render_template("employees/welcome.html", step=step, last=LAST_STEP, form=form,
                           skill_suggestions=suggestions)
