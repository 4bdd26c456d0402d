"""The home page and the language switcher."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from flask_babel import get_locale

from empathy.auth import me
from empathy.runtime import match_index
from empathy.services.suggestions import suggest_needs
from empathy.services.taxonomy import explanation_skill_names, skill_labels
from empathy.db import get_session
from empathy.services import accounts
from empathy.urls import safe_next

bp = Blueprint("main", __name__)


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
    labels = skill_labels(session, names, str(get_locale()))
    return render_template("main/home.html", suggestions=suggestions, labels=labels)


@bp.post("/language")
def set_language():
    code = request.form.get("language", "")
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            accounts.set_preferred_language(session=get_session(), user=me(), code=code)
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
