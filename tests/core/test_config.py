"""Configuration layers and the generated secret key."""

import os
import stat

from empathy import create_app
from empathy.config import load_or_create_secret


def test_test_mapping_overrides_defaults(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", "SECRET_KEY": "k", "ITEMS_PER_PAGE": 7})
    assert app.config["ITEMS_PER_PAGE"] == 7
    assert app.config["SECRET_KEY"] == "k"


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text("ITEMS_PER_PAGE = 11\nSECRET_KEY = 'from-file'\n")
    monkeypatch.setenv("EMPATHY_SECRET_KEY", "from-env")
    monkeypatch.setenv("EMPATHY_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    from flask import Flask

    import empathy

    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(instance))
    app = empathy.create_app()
    assert app.config["ITEMS_PER_PAGE"] == 11  # from instance/config.py
    assert app.config["SECRET_KEY"] == "from-env"  # env beats the file
    assert app.config["DATABASE_URL"].endswith("env.sqlite")


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    from flask import Flask

    import empathy

    monkeypatch.delenv("EMPATHY_DATABASE_URL", raising=False)
    monkeypatch.delenv("EMPATHY_SECRET_KEY", raising=False)
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    app = empathy.create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/empathy.sqlite"
    # No database file is created by building the app: nothing connects yet.
    assert not (tmp_path / "empathy.sqlite").exists()
    secret = tmp_path / "secret_key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert app.config["SECRET_KEY"] == secret.read_text().strip()


def test_secret_is_generated_once_and_reused(tmp_path):
    first = load_or_create_secret(tmp_path)
    second = load_or_create_secret(tmp_path)
    assert first == second
    assert len(first) >= 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    assert oct(os.stat(tmp_path / "secret_key").st_mode & 0o777) == "0o600"


def test_sqlite_connections_have_foreign_keys_wal_and_busy_timeout(app):
    from empathy.core.db import get_engine

    engine = get_engine(app)
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
