"""Backups of the whole database, and restoring one: SQLite's online backup API, PostgreSQL's pg_dump."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # an argument list, never a shell (bandit B404/B603 are low: reported only without -ll)
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from empathy.core.errors import ServiceError


def _sqlite_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise ServiceError("An in-memory database cannot be backed up.")
    return path


def _pg_args(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL tools, and an environment carrying the password."""
    url = make_url(engine.url)
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # not on the command line, where `ps` would show it
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ServiceError(f"{name} is not installed; it is needed to back up or restore PostgreSQL.")
    return path


def backup_database(engine: Engine, target: str | Path) -> Path:
    """Write a consistent copy of the database to `target` while the app keeps running."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target
    if engine.dialect.name == "postgresql":
        args, env = _pg_args(engine)
        subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
                       check=True, env=env, capture_output=True)
        return target
    raise ServiceError(f"Backups of {engine.dialect.name} databases are not supported.")


def restore_database(engine: Engine, source: str | Path) -> None:
    """Replace the database's contents with a backup made by `backup_database`."""
    source = Path(source)
    if not source.is_file():
        raise ServiceError(f"There is no backup file at {source}.")
    engine.dispose()  # no pooled connection may hold the old data open
    if engine.dialect.name == "sqlite":
        src = sqlite3.connect(source)
        dest = sqlite3.connect(_sqlite_path(engine))
        try:
            with dest:
                src.backup(dest)
        finally:
            dest.close()
            src.close()
        return
    if engine.dialect.name == "postgresql":
        args, env = _pg_args(engine)
        subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        *args, str(source)], check=True, env=env, capture_output=True)
        return
    raise ServiceError(f"Restoring {engine.dialect.name} databases is not supported.")
