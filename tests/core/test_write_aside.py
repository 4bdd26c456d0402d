"""Bookkeeping writes on SQLite do not wait for a long write transaction (an import of thousands of rows)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from empathy.core.db import ASIDE_BUSY_TIMEOUT_MS, get_engine, write_aside
from empathy.models import UserSession
from tests.factories import make_user


def test_a_bookkeeping_write_is_skipped_quickly_while_another_transaction_holds_the_lock(app, session):
    engine = get_engine(app)
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has row locks: this write does not wait for an import")
    user = make_user(session)
    statement = sa.update(UserSession).where(UserSession.user_id == user.id).values(revoked_at=None)
    with engine.connect().execution_options(sqlite_immediate=True) as holder:
        held = holder.begin()  # BEGIN IMMEDIATE, as an import's write transaction
        holder.exec_driver_sql("SELECT 1")
        with Session(engine) as other:
            started = time.monotonic()
            assert write_aside(other, statement) is False
            waited = time.monotonic() - started
            # The connection's own busy timeout is back for the next use of it.
            assert other.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == \
                app.config["SQLITE_BUSY_TIMEOUT_MS"]
        held.rollback()
    assert waited < 10 * ASIDE_BUSY_TIMEOUT_MS / 1000 < app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
    with Session(engine) as other:
        assert write_aside(other, statement) is True  # and written when nobody holds the lock
