"""The home page and the language switcher."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from empathy.accounts.login import me
from empathy.accounts.services import settings as accounts
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.i18n import ui_language
from empathy.core.urls import safe_next
from empathy.profiles.taxonomy import explanation_skill_names, skill_labels
from empathy.suggestions.display import band_label, band_legend, explanation_view, fit_title, level_name
from empathy.suggestions.runtime import match_index
from empathy.suggestions.services import suggest_needs

bp = Blueprint("main", __name__)
web.init_blueprint(bp)


@bp.app_template_global("explanation_view")
def _explanation_view(expl, labels):
    """`suggestions.display.explanation_view` for the `_explanation.html` macros."""
    return explanation_view(expl, labels)


@bp.app_template_global("band_label")
def _band_label(band):
    """The band's name in the reader's language."""
    return band_label(band)


@bp.app_template_global("fit_title")
def _fit_title(expl):
    """The calibrated fit in words ("Fit 83 %")."""
    return fit_title(expl)


@bp.app_template_global("band_legend_lines")
def _band_legend_lines(side="need"):
    """What each band means, best first, in the reader's language, for one side ("need" or "employee")."""
    return band_legend(side)


@bp.app_template_global("level_name")
def _level_name(level):
    """A skill level's name in the reader's language, or ""."""
    return level_name(level)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return render_template("main/landing.html")


@bp.get("/home")
@login_required
def home():
    session = get_session()
    suggestions = suggest_needs(session=session, index=match_index(), user=me(), k=5)
    names = explanation_skill_names([s.explanation for s in suggestions or []])
    labels = skill_labels(session, names, ui_language())
    return render_template("main/home.html", suggestions=suggestions, labels=labels)


@bp.post("/language")
def set_language():
    code = request.form.get("language", "")
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            accounts.set_preferred_language(session=get_session(), user=me(), code=code)
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
