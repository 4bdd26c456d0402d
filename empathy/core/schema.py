"""Alembic, driven from the app: where the migrations are and whether the database is current."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from empathy.core.crypto import KeyRing
from empathy.core.db import get_engine

DEFAULT_MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(app: Flask) -> Config:
    """An Alembic config that runs on the app's own engine."""
    directory = Path(app.config.get("MIGRATIONS_DIR") or DEFAULT_MIGRATIONS_DIR)
    cfg = Config(str(directory / "alembic.ini"))
    cfg.set_main_option("script_location", str(directory))
    cfg.attributes["engine"] = get_engine(app)
    # Data migrations that seal or open two-factor secrets use the app's keys.
    cfg.attributes["totp_keys"] = KeyRing.for_totp(app.config, app.instance_path)
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask, revision: str) -> None:
    command.downgrade(alembic_config(app), revision)


def revision(app: Flask, message: str) -> None:
    command.revision(alembic_config(app), message=message, autogenerate=True)


def head_revision(app: Flask) -> str | None:
    return ScriptDirectory.from_config(alembic_config(app)).get_current_head()


def current_revision(app: Flask) -> str | None:
    with get_engine(app).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_current(app: Flask) -> bool:
    """True when the database has been upgraded to the newest migration."""
    return current_revision(app) == head_revision(app)
