"""Empathy: match employees' professional skills to public-welfare needs."""

from __future__ import annotations

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
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from empathy import db, i18n, security
    from empathy.auth import init_login
    from empathy.extensions import babel, csrf, limiter, login_manager

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)
    init_login(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)


def register_blueprints(app: Flask) -> None:
    from empathy.blueprints import auth, employees, main, needs, two_factor

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(two_factor.bp)
    from empathy.blueprints import admin

    app.register_blueprint(admin.bp)
    app.register_blueprint(admin.activation_bp)
    app.register_blueprint(employees.bp)
    app.register_blueprint(needs.bp)
    from empathy.blueprints import reports

    app.register_blueprint(reports.bp)
    from empathy.blueprints import workflow

    app.register_blueprint(workflow.bp)
    from empathy import api
    from empathy.blueprints import tokens

    api.register(app)
    app.register_blueprint(tokens.bp)
    from empathy.blueprints import privacy

    app.register_blueprint(privacy.bp)


def register_commands(app: Flask) -> None:
    from empathy.cli import register

    register(app)
