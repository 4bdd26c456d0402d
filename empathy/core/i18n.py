"""Language selection: the user's setting, else the session's choice, else the browser."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_number, get_locale, get_translations
from flask_login import current_user

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
    app.jinja_env.filters.update(numberformat=_number)
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

    @app.template_filter("language_name")
    def _language_name(code: str) -> str:
        """A spoken-language code (as profiles and needs store it) in the reader's language."""
        from empathy.models.profile_schemas import LANGUAGES

        return str(LANGUAGES.get(code, code))
