"""Language selection: the user's setting, else the session's choice, else the browser."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

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


def init_app(app: Flask) -> None:
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
