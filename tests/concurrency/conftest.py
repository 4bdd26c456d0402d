"""Fixtures of the concurrency suite: a database and gunicorn servers per pytest worker, and a seeder.

The database is SQLite unless EMPATHY_TEST_DATABASE_URL names a PostgreSQL server (as for the rest of
the suite, `make test-postgres`); then each pytest worker creates a database of its own on that server
and drops it at the end. One database and one server per worker serve every test of the folder: each
test arranges its own need and people, and counts the rows of those only.
"""

from __future__ import annotations

import itertools
import os
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from empathy.accounts.services import auth, tokens
from empathy.accounts.services.passwords import HASH_METHOD
from empathy.core.db import utcnow
from empathy.models import HoursRecord, Match, Need, User
from tests.concurrency.harness import PASSWORD, SECRET_KEY, ApiUser, Database, Server, WebUser, cleanup_directory

_seq = itertools.count(1)


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    directory = tmp_path_factory.mktemp("concurrency")
    db = Database.create(directory, os.environ.get("EMPATHY_TEST_DATABASE_URL"))
    try:
        db.migrate()
        yield db
    finally:
        db.close()
        cleanup_directory(directory)


@pytest.fixture(scope="session")
def server(database, tmp_path_factory):
    """3 sync gunicorn workers: the deployment the README describes."""
    srv = Server(database=database, directory=tmp_path_factory.mktemp("gunicorn-sync"), workers=3).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def threaded_server(database, tmp_path_factory):
    """3 gthread workers with 4 threads each: 12 requests at once, connections shared inside a process."""
    srv = Server(database=database, directory=tmp_path_factory.mktemp("gunicorn-gthread"), workers=3,
                 threads=4).start()
    yield srv
    srv.stop()


class Seeder:
    """Arrange rows through the app's own services (accounts, tokens) or as the factories do (needs)."""

    def __init__(self, database: Database):
        self.database = database
        # One scrypt hash for everyone: hashing 40 passwords would take longer than the bursts.
        self.password_hash = generate_password_hash(PASSWORD, method=HASH_METHOD)

    def session(self) -> Session:
        return Session(self.database.engine, expire_on_commit=False)

    def tag(self) -> str:
        return f"{next(_seq)}-{uuid.uuid4().hex[:6]}"

    def users(self, n: int, *, role: str = "employee", prefix: str = "person") -> list[User]:
        """`n` active accounts with PASSWORD, created by the registration service."""
        out = []
        with self.session() as s:
            for _ in range(n):
                tag = self.tag()
                user = auth.create_user(session=s, email=f"{prefix}-{tag}@example.com",
                                        display_name=f"{prefix.title()} {tag}", password=None, role=role)
                user.password_hash = self.password_hash
                s.add(user)
                s.commit()
                out.append(user)
        return out

    def api_users(self, server: Server, users: list[User]) -> list[ApiUser]:
        """A personal access token for each user (the token service: no password hashing per user)."""
        out = []
        with self.session() as s:
            for user in users:
                _row, secret = tokens.create_token(session=s, user=user, name="suite", secret_key=SECRET_KEY)
                out.append(ApiUser(server, secret, user.email))
        return out

    def web_user(self, server: Server, user: User) -> WebUser:
        return WebUser.sign_in(server, user.email, PASSWORD)

    def need(self, owner: User | None, *, seats: int = 5, starts_in: timedelta = timedelta(days=10),
             **values) -> Need:
        start = utcnow() + starts_in
        with self.session() as s:
            need = Need(title=f"Need {self.tag()}", description="Help needed.", cause="education",
                        starts_at=start, ends_at=start + timedelta(hours=6), seats=seats, status="open",
                        owner_id=owner.id if owner else None, **values)
            s.add(need)
            s.commit()
            return need

    def matches(self, need: Need, users: list[User], *, status: str) -> list[Match]:
        with self.session() as s:
            rows = [Match(need_id=need.id, user_id=u.id, status=status) for u in users]
            s.add_all(rows)
            s.commit()
            return rows

    def hours(self, need: Need, matches: list[Match], *, hours: float = 2.0) -> list[HoursRecord]:
        """A pending hours record on each (confirmed) match, worked on the need's first day."""
        with self.session() as s:
            rows = [HoursRecord(need_id=need.id, match_id=m.id, user_id=m.user_id, hours=hours,
                                worked_on=need.starts_at.date()) for m in matches]
            s.add_all(rows)
            s.commit()
            return rows


@pytest.fixture(scope="session")
def seed(database) -> Seeder:
    return Seeder(database)
