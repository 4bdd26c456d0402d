"""Failed sign-ins are counted across real gunicorn workers: exactly the limit, not the limit per worker.

The suite's one runner of real workers (tests/concurrency/harness.py) starts `gunicorn --workers 3` on a
database of its own (SQLite, or PostgreSQL with EMPATHY_TEST_DATABASE_URL) with the configured sign-in
limits; requests come in parallel from loopback addresses (127.0.0.1, 127.0.0.2, ...), so the server sees
real, distinct client addresses.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.concurrency.harness import PASSWORD, Database, Seeder, Server, cleanup_directory

WORKERS = 3


@pytest.fixture(scope="module")
def owners_and_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("throttling-workers")
    database = Database.create(directory, os.environ.get("EMPATHY_TEST_DATABASE_URL"))
    server = None
    try:
        database.migrate()
        web_owner, api_owner = Seeder(database).users(2, prefix="owner")
        server = Server(database=database, directory=directory, workers=WORKERS, generous_limits=False,
                        extra_env={"EMPATHY_WTF_CSRF_ENABLED": "false"}).start()
        yield web_owner.email, api_owner.email, server
    finally:
        if server is not None:
            server.stop()
        database.close()
        cleanup_directory(directory)


def _in_parallel(count: int, call) -> list[int]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: call(), range(count)))


@pytest.mark.slow
def test_wrong_passwords_spread_over_the_workers_are_refused_after_exactly_the_limit(owners_and_server):
    web_owner, _, server = owners_and_server
    statuses = _in_parallel(15, lambda: server.post_from(
        "/login", form={"email": web_owner, "password": "wrong password!!"}))
    # 5 per account and address (LOGIN_ACCOUNT_ADDRESS_FAILURE_LIMITS): 5 checked, 10 refused.
    assert sorted(statuses) == [200] * 5 + [429] * 10
    assert len(server.pids_that_answered("POST", "/login")) >= 2, "the requests did not spread over the workers"
    # The owner, at another address, is not refused.
    assert server.post_from("/login", form={"email": web_owner, "password": PASSWORD}, source="127.0.0.2") == 302


@pytest.mark.slow
def test_wrong_api_passwords_spread_over_the_workers_are_refused_after_exactly_the_limit(owners_and_server):
    _, api_owner, server = owners_and_server
    statuses = _in_parallel(12, lambda: server.post_from(
        "/api/v1/auth/token", body={"email": api_owner, "password": "wrong password!!"}, source="127.0.0.3"))
    assert sorted(statuses) == [401] * 5 + [429] * 7
    assert len(server.pids_that_answered("POST", "/api/v1/auth/token")) >= 2
    assert server.post_from("/api/v1/auth/token", body={"email": api_owner, "password": PASSWORD},
                            source="127.0.0.4") == 200
