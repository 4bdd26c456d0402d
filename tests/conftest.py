"""Fixtures: a fresh database per test, on SQLite by default or on PostgreSQL.

Set EMPATHY_TEST_DATABASE_URL (for example postgresql+psycopg://postgres@127.0.0.1/empathy_test)
to run the suite against PostgreSQL; the schema is created once and every table is emptied
before each test. Under pytest-xdist every worker has a database of its own, the URL's name
plus the worker id (empathy_test_gw0, empathy_test_gw1, ...), created on the server when missing.
"""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

import empathy.models  # noqa: F401
from empathy import create_app
from empathy.core.db import get_engine
from tests.browser_client import BrowserClient

pytest_plugins = ("tests.api.fixtures",)  # callers with tokens and the `api` client, for every domain's API tests


def _this_workers_url(url: str | None) -> str | None:
    """The database of this pytest-xdist worker (`<name>_gw0`, ...); the URL itself without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # set by xdist before it imports this file
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


PG_URL = _this_workers_url(os.environ.get("EMPATHY_TEST_DATABASE_URL"))


def _create_database_if_missing(url: str) -> None:
    """CREATE DATABASE through the server's `postgres` database (it cannot run in a transaction)."""
    name = make_url(url).database
    server = sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists.first() is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        server.dispose()


def _tables_in_delete_order():
    return list(reversed(SQLModel.metadata.sorted_tables))


@pytest.fixture(scope="session")
def pg_engine():
    if not PG_URL:
        yield None
        return
    _create_database_if_missing(PG_URL)
    engine = sa.create_engine(PG_URL)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path, pg_engine):
    if pg_engine is None:
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
        engine = sa.create_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        return url
    names = ", ".join(t.name for t in _tables_in_delete_order())
    # A session an earlier test left open (unreachable, not yet collected) keeps its transaction and its
    # locks: TRUNCATE waited on one for good (a whole PostgreSQL pass hung on "idle in transaction"). End
    # any transaction still idle between tests, and never wait on a lock for more than a minute.
    with pg_engine.begin() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state IN ('idle in transaction', 'idle in transaction (aborted)')")
        conn.exec_driver_sql("SET LOCAL lock_timeout = '60s'")
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    return PG_URL


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "MATCH_MODEL_PATH": str(tmp_path / "model.joblib"),
            "MATCH_MODEL_DIR": str(tmp_path / "models"),
            "TOTP_KEY_FILE": str(tmp_path / "totp-key"),
        }
    )
    app.test_client_class = BrowserClient  # posts a one-time form to a tokened address, as a browser does
    yield app
    get_engine(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A database session for arranging and checking data outside requests.

    No app context stays pushed: requests made meanwhile must get their own, or they
    would share `g` (and its session and sign-in token) with each other.
    """
    with Session(get_engine(app), expire_on_commit=False) as s:
        yield s


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str, *, remember: bool = False, next: str | None = None):
        url = "/login" + (f"?next={next}" if next else "")
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post(url, data=data)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
