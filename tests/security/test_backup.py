"""Backup and restore through the CLI bring every row back (SQLite always; PostgreSQL when the suite runs on it)."""

from __future__ import annotations

import shutil

import pytest
from sqlmodel import select

from empathy.core.db import get_engine
from empathy.models import User
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
