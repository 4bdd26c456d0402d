"""Empathy: match employees' professional skills to public-welfare needs."""

from __future__ import annotations

import importlib
import os

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application. Nothing here migrates, fits models or opens connections."""
    from empathy.api import new_app

    app = new_app(__name__, instance_relative_config=True)  # a Flask subclass that documents the API
    os.makedirs(app.instance_path, exist_ok=True)

    from empathy.config import apply_config

    apply_config(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_tasks(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from empathy.accounts.login import init_login
    from empathy.core import db, i18n, inputs, queue, security, urls, web
    from empathy.extensions import babel, csrf, limiter, login_manager

    inputs.init_app(app)  # before register_blueprints: routes bind their <int:...> converter when added
    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)
    init_login(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    web.init_app(app)
    queue.init_app(app)
    urls.init_app(app)  # warns once when BASE_URL is not the address the app answers on


# The document lists its sections (tags) in the order their first operation is imported: admin, account,
# skills, needs, matches (tests/api/test_plumbing.py checks it). SCIM (/scim/v2, empathy.scim.api) is not in
# it on purpose: a SCIM service describes itself at /ServiceProviderConfig, /Schemas and /ResourceTypes, which
# is what provisioning clients read, and its bodies are SCIM's, not the API's.
API_MODULES = (
    "empathy.admin.api", "empathy.reports.api", "empathy.admin.api_manage",
    "empathy.accounts.api", "empathy.profiles.api", "empathy.profiles.api_credentials", "empathy.suggestions.api",
    "empathy.volunteering.api_me", "empathy.needs.api", "empathy.needs.api_duplicate",
    "empathy.volunteering.api_people", "empathy.volunteering.api",
)


def register_blueprints(app: Flask) -> None:
    """Every domain's web views, then the JSON API: the domains' API modules add their
    operations to the shared API blueprint before it is registered."""
    from empathy import api
    from empathy.accounts import activation_views, token_views, two_factor_views
    from empathy.accounts import views as accounts_views
    from empathy.admin import views as admin_views
    from empathy.needs import views as needs_views
    from empathy.privacy import views as privacy_views
    from empathy.profiles import views as profiles_views
    from empathy.reports import views as reports_views
    from empathy.scim import api as scim_api
    from empathy.scim import views as scim_views
    from empathy.sso import gate as sso_gate
    from empathy.sso import providers as sso_providers
    from empathy.sso import views as sso_views
    from empathy.suggestions import views as suggestions_views
    from empathy.volunteering import views as volunteering_views

    for module in (suggestions_views, accounts_views, two_factor_views, admin_views, activation_views,
                   profiles_views, needs_views, reports_views, volunteering_views, token_views,
                   privacy_views, sso_views, scim_views, scim_api):
        app.register_blueprint(module.bp)
    sso_providers.init_app(app)  # the identity providers' clients: checks OIDC_PROVIDERS, no network yet
    sso_gate.init_app(app)  # SSO_ONLY: the password pages refuse all but break-glass administrators
    # Importing a domain's API module adds its operations (and their tags, in this order) to the
    # shared blueprint.
    for name in API_MODULES:
        importlib.import_module(name)
    api.register(app)


# The modules that declare queue tasks (empathy.core.queue): importing them declares their tasks, which
# every app registers with its queue on first use. The worker runs what these declare.
TASK_MODULES = (
    "empathy.core.mail",
    "empathy.volunteering.tasks",
    "empathy.admin.tasks",
    "empathy.suggestions.tasks",
)


def register_tasks(app: Flask) -> None:
    for name in TASK_MODULES:
        importlib.import_module(name)


def register_commands(app: Flask) -> None:
    from empathy.cli import register

    register(app)
