"""Language selection: the user's setting, else the session's choice, else the browser."""

from __future__ import annotations

from babel import Locale, lists
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_number, get_locale, get_translations
from flask_login import current_user
from markupsafe import Markup, escape

from empathy.core import dates

# How each interface language is named in its own tongue, for the switcher.
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
# BCP 47 tags for <html lang>.
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.preferred_language in supported:
        return current_user.preferred_language
    chosen = session.get("lang")
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def ui_language() -> str:
    """The request's interface language as a bare code ("en", "zh"), as labels are chosen by."""
    return str(get_locale() or "en").split("_")[0]


def _translations():
    """The request's catalogue, looked up once per locale: Flask-Babel looks it up again for every
    string, which cost a page of the need list about a tenth of its time. A forced or refreshed
    locale is a new Locale object, so the memo follows it."""
    try:
        held = g._get_current_object()  # one proxy lookup: a template asks for dozens of strings
    except RuntimeError:  # no app context
        return get_translations()
    memo = held.__dict__.get("_empathy_translations")
    # Flask-Babel keeps the request's locale on g._flask_babel; were that to move, the lookup below
    # (the documented one) runs every time, which is only slower.
    if memo is not None and memo[0] is getattr(held.__dict__.get("_flask_babel"), "babel_locale", None):
        return memo[1]
    locale = get_locale()
    memo = held._empathy_translations = (locale, get_translations())
    return memo[1]


def _number(number) -> str:
    """Flask-Babel's numberformat; small counts (seats, hours) skip Babel: below 1,000 neither English
    nor Chinese groups digits or writes them differently."""
    if type(number) is int and 0 <= number < 1000:
        return str(number)
    return format_number(number)


def format_list(items) -> str:
    """Items (strings) joined by the request's language's list pattern (Babel's "standard" style):
    ["a", "b", "c"] reads "a, b, and c" in English and "a、b和c" in Chinese; "" for none."""
    items = [str(item) for item in items]  # plain text: Jinja's autoescape escapes the result
    if len(items) < 2:
        return "".join(items)
    return lists.format_list(items, style="standard", locale=get_locale() or "en")


def _format_list_filter(items, via=None) -> Markup:
    """`items|format_list` in templates, or `items|format_list(func)` to name each item through `func` first.

    Items are escaped unless they are markup already (a `{% set %}` block); the locale's patterns are
    filled the way Babel's `format_list` fills them."""
    items = [escape(via(item) if via is not None else item) for item in items]
    if len(items) < 2:
        return escape("").join(items)
    patterns = Locale.parse(str(get_locale() or "en")).list_patterns["standard"]
    if len(items) == 2:
        return escape(patterns["2"]).format(*items)
    joined = escape(patterns["start"]).format(items[0], items[1])
    for item in items[2:-1]:
        joined = escape(patterns["middle"]).format(joined, item)
    return escape(patterns["end"]).format(joined, items[-1])


def install_fast_i18n(app: Flask) -> None:
    """Replace Flask-Babel's Jinja gettext callables and number filter by ones that do the same work once;
    dates are shown through the named formats of empathy.core.dates."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(numberformat=_number, format_list=_format_list_filter)
    dates.init_app(app)


def init_app(app: Flask) -> None:
    install_fast_i18n(app)

    @app.context_processor
    def _languages():
        code = ui_language()
        return {
            "current_language": code,
            "html_lang": HTML_LANG.get(code, code),
            "language_names": LANGUAGE_NAMES,
        }

    @app.template_global("code_label")
    def _code_label(family: str, code: str | None) -> str:
        """A stored code (a status, a role) in the reader's language: core.labels.code_label."""
        from empathy.core.labels import code_label

        return code_label(family, code)

    @app.template_global("category_label")
    def _category_label(code: str | None) -> str:
        """A skill category code in the reader's language: core.labels.category_label."""
        from empathy.core.labels import category_label

        return category_label(code, ui_language())

    @app.template_global("skill_label")
    def _skill_label(skill) -> str:
        """A skill (a row with name, label_en, label_zh) by its label in the reader's language."""
        from empathy.core.labels import skill_label

        return skill_label(skill, ui_language())

    @app.template_global("beneficiary_name")
    def _beneficiary_name(name: str | None) -> str:
        """A need's beneficiary organisation in the reader's language: core.labels.beneficiary_name."""
        from empathy.core.labels import beneficiary_name

        return beneficiary_name(name, ui_language())

    @app.template_filter("language_name")
    def _language_name(code: str) -> str:
        """A spoken-language code (as profiles and needs store it) in the reader's language."""
        from empathy.models.profile_schemas import LANGUAGES

        return str(LANGUAGES.get(code, code))
