"""Bookkeeping on read requests (when a token or a browser session was last used) never fails the request.

SQLite has one write lock for the whole database. Here another connection holds it longer than the
app's busy timeout, as a long import would: a request whose token or session is due for a
last-used note must still answer, and the note is written by a later request.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from empathy import create_app
from empathy.core.db import get_engine
from empathy.models import ApiToken, UserSession
from tests.api.fixtures import SECRET, token_for
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("EMPATHY_TEST_DATABASE_URL")),
    reason="SQLite's database-wide write lock; PostgreSQL locks rows, and no request holds a token's row",
)


@pytest.fixture
def quick_app(database_url, tmp_path):
    """The app with a 200 ms busy timeout: a held lock shows at once."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
                      "WTF_CSRF_ENABLED": False, "SQLITE_BUSY_TIMEOUT_MS": 200,
                      "MATCH_MODEL_PATH": str(tmp_path / "model.joblib")})
    yield app
    get_engine(app).dispose()


class HeldWriteLock:
    """Another connection in BEGIN IMMEDIATE: every other writer waits, readers go on."""

    def __init__(self, database_url: str):
        self.path = make_url(database_url).database

    def __enter__(self):
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        self.conn.execute("ROLLBACK")
        self.conn.close()


def test_a_token_due_for_its_last_used_note_answers_while_another_writer_holds_the_database(
        quick_app, database_url):
    with Session(get_engine(quick_app), expire_on_commit=False) as s:
        user = make_user(s)
        secret = token_for(s, user)
    client = quick_app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}

    with HeldWriteLock(database_url):
        answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json["email"] == user.email

    with Session(get_engine(quick_app)) as s:
        assert s.exec(select(ApiToken)).one().last_used_at is None  # skipped, not waited for
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with Session(get_engine(quick_app)) as s:
        assert s.exec(select(ApiToken)).one().last_used_at is not None  # the next request wrote it


def test_a_browser_session_due_for_its_last_seen_note_answers_while_another_writer_holds_the_database(
        quick_app, database_url):
    with Session(get_engine(quick_app), expire_on_commit=False) as s:
        user = make_user(s)
    client = quick_app.test_client()
    assert client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    with Session(get_engine(quick_app)) as s:
        row = s.exec(select(UserSession)).one()
        row.last_seen_at -= timedelta(minutes=5)
        s.add(row)
        s.commit()
        seen = row.last_seen_at

    with HeldWriteLock(database_url):
        page = client.get("/commitments")
    assert page.status_code == 200

    assert client.get("/commitments").status_code == 200
    with Session(get_engine(quick_app)) as s:
        assert s.exec(select(UserSession)).one().last_seen_at > seen
