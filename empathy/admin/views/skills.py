"""The skill taxonomy: search, review, edit and merge."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from empathy.accounts.login import me
from empathy.admin.forms import MergeForm, SkillForm
from empathy.admin.services import skills as service
from empathy.admin.views import bp, page_arg
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.labels import skill_label
from empathy.core.web import form_error
from empathy.data import load_categories


def _skill_form(**kwargs) -> SkillForm:
    form = SkillForm(**kwargs)
    categories = load_categories()
    lang = ui_language()
    form.category.choices = [SelectChoice(c, categories[c][lang] if c in categories else _("Other"))
                             for c in service.category_codes()]
    return form


def _input(form: SkillForm) -> service.SkillInput:
    return service.SkillInput(name=form.name.data or "", label_en=form.label_en.data or "",
                              label_zh=form.label_zh.data or "", category=form.category.data,
                              synonyms=form.synonyms.data or "", related=form.related.data or "")


@bp.get("/skills")
def skills():
    query, review = request.args.get("q", ""), request.args.get("review") == "1"
    page = service.list_skills(session=get_session(), query=query, needs_review=review, page=page_arg(),
                               per_page=current_app.config["ITEMS_PER_PAGE"])
    return render_template("admin/skills.html", page=page, query=query, review=review)


@bp.route("/skills/new", methods=["GET", "POST"])
def new_skill():
    form = _skill_form()
    if form.validate_on_submit():
        try:
            skill = service.create_skill(session=get_session(), data=_input(form))
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            flash(_("The skill “%(name)s” is added.", name=skill_label(skill, ui_language())), "success")
            return redirect(url_for("admin.skills", q=skill.name))
    return render_template("admin/skill_form.html", form=form, skill=None)


@bp.route("/skills/<int:skill_id>/edit", methods=["GET", "POST"])
def edit_skill(skill_id: int):
    skill = service.get_skill(session=get_session(), skill_id=skill_id)
    form = _skill_form(obj=skill)
    if not form.is_submitted():
        form.synonyms.data = "\n".join(skill.synonyms or [])
        form.related.data = "\n".join(skill.related or [])
    if form.validate_on_submit():
        try:
            skill = service.update_skill(session=get_session(), skill_id=skill_id, data=_input(form),
                                         mark_reviewed=form.mark_reviewed.data)
        except ServiceError as exc:
            form_error(form, exc, "name")
        else:
            flash(_("The skill “%(name)s” is saved.", name=skill_label(skill, ui_language())), "success")
            return redirect(url_for("admin.skills", q=skill.name))
    related_from = service.related_from(session=get_session(), skill=skill)
    return render_template("admin/skill_form.html", form=form, skill=skill, related_from=related_from)


@bp.post("/skills/<int:skill_id>/reviewed")
def mark_reviewed(skill_id: int):
    skill = service.mark_reviewed(session=get_session(), skill_id=skill_id)
    flash(_("The skill “%(name)s” is reviewed.", name=skill_label(skill, ui_language())), "success")
    return redirect(url_for("admin.skills", review="1"))


@bp.route("/skills/<int:skill_id>/merge", methods=["GET", "POST"])
def merge_skill(skill_id: int):
    skill = service.get_skill(session=get_session(), skill_id=skill_id)
    form = MergeForm()
    form.keep_id.choices = [SelectChoice(0, _("Choose a skill…"))] + [
        SelectChoice(s.id, skill_label(s, ui_language()))
        for s in service.merge_candidates(session=get_session(), skill_id=skill.id)]
    if form.validate_on_submit():
        try:
            kept = service.merge_skills(session=get_session(), keep_id=form.keep_id.data, merge_id=skill.id,
                                          actor_id=me().id)
        except ServiceError as exc:
            form_error(form, exc, "keep_id")
        else:
            lang = ui_language()
            flash(_("“%(gone)s” is merged into “%(kept)s”.", gone=skill_label(skill, lang),
                    kept=skill_label(kept, lang)), "success")
            return redirect(url_for("admin.skills", q=kept.name))
    usage = service.skill_usage(session=get_session(), skill_id=skill.id)
    return render_template("admin/skill_merge.html", form=form, skill=skill, usage=usage)
