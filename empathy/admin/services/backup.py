"""Backups of the whole database, and restoring one: SQLite's online backup API, PostgreSQL's pg_dump.

A backup holds password hashes and two-factor secrets, so only its owner may read it: it is written
into a file created with mode 600 and then renamed into place. It holds no live link: the bodies of
queued activation and password-reset e-mails would let whoever reads it set someone's password.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # an argument list, never a shell (bandit B404/B603 are low: reported only without -ll)
import tempfile
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from empathy.accounts.services import activation, password_reset
from empathy.core.errors import ServiceError

# Outbox kinds whose bodies carry a link that sets a password.
LINK_MAIL_KINDS = (activation.MAIL_KIND, password_reset.MAIL_KIND)


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


def _private_file(target: Path) -> Path:
    """A new empty file beside `target` that only the owner can read or write (mkstemp makes it 600)."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    return Path(name)


def _backup_sqlite(engine: Engine, part: Path) -> None:
    source = sqlite3.connect(_sqlite_path(engine))
    dest = sqlite3.connect(part)
    try:
        with dest:
            source.backup(dest)
        # A file of its own (no -wal beside it), whose freed pages are zeroed and then dropped.
        dest.execute("PRAGMA journal_mode=DELETE")
        dest.execute("PRAGMA secure_delete=ON")
        with dest:
            if dest.execute("SELECT 1 FROM sqlite_master WHERE name = 'outbox_messages'").fetchone():
                marks = ", ".join("?" for _ in LINK_MAIL_KINDS)
                # Only "?" marks are formatted into the statement; the kinds themselves are bound.
                dest.execute(f"UPDATE outbox_messages SET body = '' WHERE kind IN ({marks})",  # nosec B608
                             LINK_MAIL_KINDS)
        dest.execute("VACUUM")
    finally:
        dest.close()
        source.close()


def _backup_postgresql(engine: Engine, part: Path) -> None:
    # pg_dump cannot change rows on their way out, so the outbox's rows stay out (its table does not):
    # a restored database starts with an empty outbox.
    args, env = _pg_args(engine)
    subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--exclude-table-data=outbox_messages",
                    "--file", str(part), *args], check=True, env=env, capture_output=True)


def backup_database(engine: Engine, target: str | Path) -> Path:
    """Write a consistent copy of the database to `target` (mode 600) while the app keeps running.

    SQLite: the copy's queued activation and reset e-mails have empty bodies. PostgreSQL: the copy
    has no outbox rows. Raises ServiceError for an in-memory or unsupported database, and
    subprocess.CalledProcessError when pg_dump fails; `target` is then left as it was.
    """
    target = Path(target)
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise ServiceError(f"Backups of {engine.dialect.name} databases are not supported.")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = _private_file(target)
    try:
        if engine.dialect.name == "sqlite":
            _backup_sqlite(engine, part)
        else:
            _backup_postgresql(engine, part)
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return target


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
