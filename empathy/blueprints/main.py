"""The home page and the language switcher."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from empathy.auth import me
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
    return render_template("main/home.html")


@bp.post("/language")
def set_language():
    code = request.form.get("language", "")
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            accounts.set_preferred_language(session=get_session(), user=me(), code=code)
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
