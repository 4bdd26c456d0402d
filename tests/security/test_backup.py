"""Backup and restore through the CLI bring every row back (SQLite always; PostgreSQL when the suite runs on it)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlmodel import select

from empathy.accounts.services import activation, password_reset
from empathy.accounts.services.auth import create_user
from empathy.core.db import get_engine
from empathy.models import OutboxMessage, User
from tests.factories import make_need, make_user


def test_backup_then_restore_brings_back_changed_and_deleted_rows(app, runner, session, tmp_path):
    if get_engine(app).dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    coord = make_user(session, role="coordinator", email="coord@example.com", display_name="Before")
    need = make_need(session, owner=coord, title="Kept need")
    target = tmp_path / "backups" / "empathy.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    coord.display_name = "After"
    session.add(coord)
    session.delete(session.get(type(need), need.id))
    make_user(session, email="new@example.com")
    session.commit()
    session.close()

    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output

    session.expire_all()
    users = {u.email: u.display_name for u in session.exec(select(User)).all()}
    assert users == {"coord@example.com": "Before"}
    from empathy.models import Need

    assert [n.title for n in session.exec(select(Need)).all()] == ["Kept need"]


def test_restore_of_a_missing_file_is_refused(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nope.dump"), "--yes"])
    assert result.exit_code != 0


def _skip_without_pg_dump(app):
    if get_engine(app).dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")


def test_only_the_owner_can_read_a_backup_from_the_moment_it_exists(app, runner, session, tmp_path, monkeypatch):
    _skip_without_pg_dump(app)
    make_user(session)
    target = tmp_path / "backups" / "empathy.dump"
    opened = []  # the mode of each file the SQLite copy is written into, when it is opened
    real_connect = sqlite3.connect

    def watching_connect(path, *args, **kwargs):
        if Path(path).parent == target.parent:
            opened.append(stat.S_IMODE(Path(path).stat().st_mode) if Path(path).exists() else None)
        return real_connect(path, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", watching_connect)
    previous = os.umask(0o022)  # what a shell usually has: new files readable by everyone
    try:
        result = runner.invoke(args=["backup", str(target)])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    if get_engine(app).dialect.name == "sqlite":
        assert opened and all(mode == 0o600 for mode in opened), opened
    assert [p.name for p in target.parent.iterdir()] == ["empathy.dump"]  # no part file left over


def test_a_backup_carries_no_live_activation_or_reset_link(app, runner, session, tmp_path):
    _skip_without_pg_dump(app)
    newcomer = create_user(session=session, email="new@example.com", display_name="New", password=None)
    activation.queue_activation_mail(session, newcomer, secret_key=app.config["SECRET_KEY"], base_url="http://x")
    make_user(session, email="old@example.com")
    password_reset.request_reset(session=session, email="old@example.com", secret_key=app.config["SECRET_KEY"],
                                 base_url="http://x")
    session.commit()
    tokens = [re.search(r"/(?:activate|reset)/(\S+)", body).group(1)
              for body in session.exec(select(OutboxMessage.body)).all() if "http://x/" in body]
    assert len(tokens) == 2
    target = tmp_path / "empathy.dump"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    if get_engine(app).dialect.name == "sqlite":  # not even in the file's free pages
        raw = target.read_bytes()
        assert not any(token.encode() in raw for token in tokens)
    session.close()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    bodies = " ".join(session.exec(select(OutboxMessage.body)).all())
    assert not any(token in bodies for token in tokens)
    assert session.exec(select(User).where(User.email == "new@example.com")).one().password_hash is None


def test_a_backup_holds_no_two_factor_secret_in_clear_and_needs_the_key_kept_apart(app, runner, session, tmp_path):
    _skip_without_pg_dump(app)
    import time

    import pyotp

    from empathy.accounts.services import two_factor
    from empathy.core.crypto import KeyMismatch, KeyRing
    from empathy.models import TwoFactor

    keys = KeyRing.for_totp(app.config, app.instance_path)
    user = make_user(session, email="li.na@example.com")
    secret, now = two_factor.new_secret(), time.time()
    two_factor.enable(session=session, user=user, secret=secret, code=pyotp.TOTP(secret).at(now), keys=keys, now=now)
    target = tmp_path / "backups" / "empathy.dump"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    assert keys.path.parent != target.parent  # the key is not where the backups go
    if get_engine(app).dialect.name == "sqlite":
        raw = target.read_bytes()
        assert secret.encode() not in raw and secret.lower().encode() not in raw
    session.close()
    assert runner.invoke(args=["restore", str(target), "--yes"]).exit_code == 0
    restored = session.exec(select(TwoFactor)).one()
    assert secret not in restored.sealed_secret
    assert keys.open(restored.sealed_secret) == secret  # with the key kept apart, the restore works
    with pytest.raises(KeyMismatch):
        KeyRing(["another key, as someone holding only the backup would have"]).open(restored.sealed_secret)
