"""Fixtures of the concurrency suite: a database and gunicorn servers per pytest worker, and a seeder.

The database is SQLite unless EMPATHY_TEST_DATABASE_URL names a PostgreSQL server (as for the rest of
the suite, `make test-postgres`); then each pytest worker creates a database of its own on that server
and drops it at the end. One database and one server per worker serve every test of the folder: each
test arranges its own need and people, and counts the rows of those only.
"""

from __future__ import annotations

import os

import pytest

from tests.concurrency.harness import Database, Seeder, Server, cleanup_directory


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


@pytest.fixture(scope="session")
def seed(database) -> Seeder:
    return Seeder(database)
