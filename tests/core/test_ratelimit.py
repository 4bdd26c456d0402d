"""The database:// storage for `limits`: atomic counts shared by every connection, windows, refunds, pruning."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlmodel import SQLModel, select

from empathy.core import ratelimit
from empathy.core.db import get_engine, get_session, make_engine
from empathy.core.ratelimit import DatabaseStorage
from empathy.extensions import limiter
from empathy.models import RateLimitCounter, User
from tests.factories import make_user


@pytest.fixture
def storage(app):
    return DatabaseStorage(engine=get_engine(app))


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(1_000_000.0)
    monkeypatch.setattr(ratelimit.time, "time", clock)
    return clock


def test_it_is_the_default_storage_and_registered_as_database(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    assert isinstance(limiter.storage, DatabaseStorage)
    assert isinstance(storage_from_string("database://"), DatabaseStorage)


def test_hits_from_many_threads_each_get_their_own_count(storage):
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: storage.incr("k", 60), range(120)))
    assert sorted(counts) == list(range(1, 121))
    assert storage.get("k") == 120


def test_a_window_restarts_once_it_is_over(storage, clock):
    assert storage.incr("k", 60) == 1
    clock.now += 30
    assert storage.incr("k", 60, amount=2) == 3
    assert storage.get("k") == 3 and storage.get_expiry("k") == 1_000_060.0
    clock.now += 31
    assert storage.get("k") == 0 and storage.get_expiry("k") == clock.now
    assert storage.incr("k", 60) == 1 and storage.get_expiry("k") == clock.now + 60


def test_giving_back_never_goes_below_zero_nor_opens_a_window(storage, session):
    assert storage.decr("absent") == 0
    assert session.exec(select(RateLimitCounter)).all() == []
    storage.incr("k", 60)
    assert storage.decr("k", 2) == 0
    assert storage.incr("k", 60, amount=-1) == 0
    assert storage.incr("k", 60) == 1


def test_the_fixed_window_strategy_runs_on_it(storage):
    strategy = FixedWindowRateLimiter(storage)
    item = parse("2 per minute")
    assert strategy.hit(item, "a") and strategy.hit(item, "a") and not strategy.hit(item, "a")
    assert not strategy.test(item, "a") and strategy.test(item, "b")
    assert strategy.get_window_stats(item, "a").remaining == 0
    strategy.clear(item, "a")
    assert strategy.test(item, "a")


def test_windows_that_are_over_are_pruned(storage, session, clock, monkeypatch):
    storage.incr("short", 10)
    storage.incr("long", 100)
    clock.now += 50
    assert storage.prune() == 1
    assert len(session.exec(select(RateLimitCounter)).all()) == 1
    # ... and every PRUNE_EVERY writes of a process, without being asked.
    monkeypatch.setattr(ratelimit, "PRUNE_EVERY", 2)
    storage.incr("short", 10)
    clock.now += 100
    storage.incr("other", 10)
    storage.incr("other", 10)
    assert [row.count for row in _fresh(session).exec(select(RateLimitCounter)).all()] == [2]


def test_keys_are_kept_as_digests(storage, session):
    storage.incr("sign-in/account-address/li@example.com 203.0.113.5", 60)
    (row,) = session.exec(select(RateLimitCounter)).all()
    assert len(row.key) == 64 and "@" not in row.key


def test_reset_and_clear(storage):
    storage.incr("a", 60)
    storage.incr("b", 60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.reset() == 1 and storage.get("b") == 0
    assert storage.check()


def test_a_write_after_the_requests_own_read_leaves_that_session_able_to_write(app):
    # On SQLite a read transaction cannot become a write one after another connection wrote:
    # the storage ends the request session's read first.
    with app.test_request_context():
        make_user(get_session())
        (user,) = get_session().exec(select(User)).all()  # a read: the session's transaction is open
        limiter.storage.incr("k", 60)
        user.display_name = "Renamed"
        get_session().commit()


def _fresh(session):
    session.rollback()
    session.expire_all()
    return session


@pytest.fixture
def locked(tmp_path):
    """A SQLite database whose write lock another connection holds until release() is called."""
    path = tmp_path / "locked.sqlite"
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms=20)
    SQLModel.metadata.create_all(engine, tables=[RateLimitCounter.__table__])
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    class Lock:
        released = 0

        def release(self, _retry_state=None):
            if holder.in_transaction:
                holder.execute("COMMIT")
                self.released += 1

    lock = Lock()
    yield engine, lock
    lock.release()
    holder.close()
    engine.dispose()


def test_a_locked_database_is_tried_again(locked):
    engine, lock = locked
    storage = DatabaseStorage(engine=engine)
    # The lock goes away while the storage waits to try again, as another writer's would.
    storage._retrying = storage._retrying.copy(before_sleep=lock.release)
    assert storage.incr("k", 60) == 1
    assert lock.released == 1 and storage.get("k") == 1


def test_a_lock_that_stays_raises_after_a_few_tries(locked):
    engine, _lock = locked
    storage = DatabaseStorage(engine=engine, wrap_exceptions=True)
    tries = []
    storage._retrying = storage._retrying.copy(before_sleep=tries.append)
    from limits.errors import StorageError

    with pytest.raises(StorageError):
        storage.incr("k", 60)
    assert 1 <= len(tries) <= 3
    with pytest.raises(sa.exc.OperationalError):
        DatabaseStorage(engine=engine).incr("k", 60)
