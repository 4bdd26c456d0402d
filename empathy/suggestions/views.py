"""The home page and the language switcher."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    g,
    get_template_attribute,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup

from empathy.accounts.forms import LoginForm
from empathy.accounts.login import me
from empathy.accounts.services import settings as accounts
from empathy.admin.services.attention import admin_attention
from empathy.core import web
from empathy.core.db import get_session, recent_read
from empathy.core.i18n import ui_language
from empathy.core.labels import site_name
from empathy.core.memo import BoundedCache
from empathy.core.urls import safe_next
from empathy.profiles.services import has_skills
from empathy.profiles.taxonomy import explanation_skill_names, skill_labels
from empathy.suggestions.display import (
    band_label,
    band_legend,
    explanation_view,
    fit_title,
    held_lines,
    level_name,
    skill_lines,
    stands_out,
)
from empathy.suggestions.runtime import match_index
from empathy.suggestions.services import held_need_skills, suggest_needs_page
from empathy.volunteering.forms import BulkHoursForm
from empathy.volunteering.services.home import coordinator_todo, employee_home, leads_needs

bp = Blueprint("main", __name__)
web.init_blueprint(bp)


@bp.after_app_request
def _model_version(response):
    """Pages that used the matching model say which stored version they used (X-Match-Model-Version):
    operators (and the multi-host test) see when every host follows a new version."""
    version = g.get("match_model_version")
    if version is not None:
        response.headers["X-Match-Model-Version"] = str(version)
    return response


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
    """The landing page for visitors (what Empathy does, a screenshot, the sign-in form); home when signed in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return render_template("main/landing.html", form=LoginForm())


@bp.get("/home")
@login_required
def home():
    """Each role's home: an administrator's matters, a coordinator's to-do (an administrator's too when they
    lead needs), an employee's next commitment, hours to log and suggestions (or the invitation to describe
    their skills first, while the profile has none)."""
    session, user = get_session(), me()
    page: dict = {"attention": None, "todo": None, "mine": None, "suggestions": None, "cards": [], "weak": [],
                  "has_skills": True, "left_out": 0}
    if user.is_admin:
        page["attention"] = admin_attention(session=session)
    if user.is_coordinator:
        todo = coordinator_todo(session=session, actor=user)
        if not user.is_admin or not todo.is_empty or leads_needs(session=session, user=user):
            page["todo"] = todo
        page["bulk"] = BulkHoursForm()
    else:
        page["mine"] = mine = employee_home(session=session, user=user)
        page["place"] = site_name(mine.next_commitment[2], ui_language()) if mine.next_commitment else ""
        page["has_skills"] = has_skills(session=session, user=user)
        if page["has_skills"]:
            found = suggest_needs_page(session=session, index=match_index(), user=user, k=5)
            suggestions = None if found is None else found.items
            page.update(suggestions=suggestions, left_out=found.left_out if found else 0,
                        **_suggested(session, user, suggestions or []))
    return render_template("main/home.html", **page)


# Rendered suggestion cards of the home page, kept while what they show stays the same: the explanation (the
# same object while the employee's ranking is cached, see suggestions.ranked), the need's shown fields, the
# skills' labels and the language. Five explanations were a third of the home page's time, the same each visit.
_CARDS = BoundedCache(4000)  # key -> (the explanation rendered, its card)


def _suggested(session, user, suggestions: list) -> dict:
    """The suggestions that stand out (band above weak) as cards, and the weak ones as compact rows with the
    skills they ask for that the person holds.

    Most of a list is weak by construction (needs are read against the person's 3rd best open need): a wall of
    "Weak fit" cards buried the few that fit, so the weak ones are gathered below them, or listed alone (compact)
    under a plain sentence when none stands out."""
    lang = ui_language()
    standing = [s for s in suggestions if stands_out(s.explanation)]
    weak = [s for s in suggestions if not stands_out(s.explanation)]
    # A row whose explanation matched nothing (the skill held below the level asked) names the skill all the same.
    bare = [s.need.id for s in weak if not skill_lines(s.explanation, {})]
    held = held_need_skills(session, user_id=user.id, need_ids=bare)
    names = explanation_skill_names([s.explanation for s in suggestions])
    names |= {name for rows in held.values() for name, *_ in rows}
    # Labels change when an admin renames a skill: read again every few seconds, at once after a local write.
    labels = recent_read(("home.skill_labels", lang, frozenset(names)), lambda: skill_labels(session, names, lang))
    rows = [(s, skill_lines(s.explanation, labels) or held_lines(held.get(s.need.id, []), labels)) for s in weak]
    return {"cards": _cards(standing, labels, lang), "weak": rows}


def _cards(suggestions: list, labels: dict[str, str], lang: str) -> list[Markup]:
    shown = (tuple(sorted(labels.items())), lang, current_app.config["BABEL_DEFAULT_TIMEZONE"], request.script_root)
    card, out = None, []
    for s in suggestions:
        need = s.need
        key = (need.id, need.title, need.beneficiary, need.starts_at, need.ends_at, need.seats, need.seats_taken,
               s.score, *shown)
        held = _CARDS.get(key)
        if held is None or held[0] is not s.explanation:
            card = card or get_template_attribute("main/_suggested_need.html", "card")
            held = _CARDS.put(key, (s.explanation, card(s, labels)))
        out.append(held[1])
    return out


@bp.post("/language")
def set_language():
    code = request.form.get("language", "")
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            accounts.set_preferred_language(session=get_session(), user=me(), code=code)
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
