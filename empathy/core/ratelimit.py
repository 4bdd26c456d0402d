"""A `limits` storage in the app's own database, so that every worker and host counts together.

`limits` (under Flask-Limiter) ships in-memory, Redis, Memcached and MongoDB storages; the first
counts per process, so three gunicorn workers allowed three times each limit. This storage keeps
fixed-window counters in the table `rate_limit_counters` of the database the app already uses
(SQLite or PostgreSQL) and registers itself the documented way, as a `limits.storage.Storage`
subclass with a STORAGE_SCHEME: `RATELIMIT_STORAGE_URL = "database://"` (the default) selects it.

Each hit is one atomic statement, `INSERT ... ON CONFLICT (key) DO UPDATE ... RETURNING count`, in
a short transaction of its own: a request that fails and rolls back still counts, and two workers
hitting the same key at once both see distinct counts. A window that is over restarts in the same
statement, and rows of windows long over are pruned every PRUNE_EVERY writes of a process.

SQLite's own busy timeout covers most waiting; a "database is locked" that still comes through is
retried a few times within about a second. What fails after that raises (as
`limits.errors.StorageError` when the storage wraps errors): the callers decide whether to let the
request through or refuse it (see empathy.core.throttle and docs/security.md).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import g, has_app_context
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_random_exponential

from empathy.core.db import end_read, get_engine
from empathy.models import RateLimitCounter

log = logging.getLogger(__name__)
T = TypeVar("T")
TABLE = RateLimitCounter.__table__
PRUNE_EVERY = 200  # writes of one process between two prunings


def _digest(key: str) -> str:
    # Keys hold e-mail and network addresses: the table keeps only their digests.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sa.exc.OperationalError) and any(
        word in str(exc.orig).lower() for word in ("locked", "busy"))


def _insert(dialect_name: str):
    if dialect_name == "postgresql":
        return postgresql.insert
    if dialect_name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"database:// rate limits need SQLite or PostgreSQL, not {dialect_name}")


class DatabaseStorage(Storage):
    """Fixed-window counters in the table `rate_limit_counters` of the app's database.

    Parameters
    ----------
    uri : str, optional
        ``database://``; it names no server: the database is the app's (DATABASE_URL).
    wrap_exceptions : bool
        Raise `limits.errors.StorageError` instead of SQLAlchemy's errors.
    engine : sqlalchemy.engine.Engine, optional
        Use this engine instead of the current Flask app's (for tools and tests).

    Supports the fixed-window strategy (Flask-Limiter's default), which needs only `incr`, `get`
    and `get_expiry`; `decr` gives back hits (empathy.core.throttle refunds with it).
    """

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, engine: Engine | None = None,
                 **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._engine = engine
        self._writes = itertools.count(1)
        self._retrying = Retrying(retry=retry_if_exception(_is_busy),
                                  stop=stop_after_attempt(4) | stop_after_delay(1.0),
                                  wait=wait_random_exponential(multiplier=0.02, max=0.2), reraise=True)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def _bind(self) -> Engine:
        # Resolved per call: one Limiter object serves every app a process creates (tests make many).
        return self._engine or get_engine()

    def _write(self, work: Callable[[Connection], T]) -> T:
        engine = self._bind()
        if engine.dialect.name == "sqlite" and has_app_context() and g.get("db_session") is not None:
            # The request's own session may hold a read transaction, which could not write after
            # ours (empathy.core.db.end_read): end it first.
            end_read(g.db_session)

        def attempt() -> T:
            with engine.connect() as conn:
                # BEGIN IMMEDIATE on SQLite (empathy.core.db): take the write lock before the statement.
                conn = conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    return work(conn)

        result = self._retrying(attempt)
        if next(self._writes) % PRUNE_EVERY == 0:
            try:
                self.prune()
            except sa.exc.SQLAlchemyError:  # the hit counted; old rows can go next time
                log.warning("Could not prune the rate limit counters", exc_info=True)
        return result

    def _read(self, work: Callable[[Connection], T]) -> T:
        with self._bind().connect() as conn:
            return work(conn)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count and return the new count.

        A key without a live window starts one of `expiry` seconds with `amount` (never below 0).
        """
        now = time.time()

        def work(conn: Connection) -> int:
            insert = _insert(conn.dialect.name)(TABLE).values(key=_digest(key), count=max(amount, 0),
                                                                expires_at=now + expiry)
            live = TABLE.c.expires_at > now
            added = TABLE.c.count + amount
            statement = insert.on_conflict_do_update(index_elements=[TABLE.c.key], set_={
                "count": sa.case((live & (added > 0), added), (live, 0), else_=insert.excluded.count),
                "expires_at": sa.case((live, TABLE.c.expires_at), else_=insert.excluded.expires_at),
            }).returning(TABLE.c.count)
            return int(conn.execute(statement).scalar_one())

        return self._write(work)

    def decr(self, key: str, amount: int = 1) -> int:
        """Take `amount` off a live window's count (never below 0); a key without one stays absent."""
        now = time.time()

        def work(conn: Connection) -> int:
            statement = (TABLE.update()
                         .where(TABLE.c.key == _digest(key), TABLE.c.expires_at > now)
                         .values(count=sa.case((TABLE.c.count > amount, TABLE.c.count - amount), else_=0))
                         .returning(TABLE.c.count))
            return int(conn.execute(statement).scalar_one_or_none() or 0)

        return self._write(work)

    def get(self, key: str) -> int:
        """The key's count in its live window; 0 without one."""
        now = time.time()
        statement = sa.select(TABLE.c.count).where(TABLE.c.key == _digest(key), TABLE.c.expires_at > now)
        return int(self._read(lambda conn: conn.execute(statement).scalar_one_or_none()) or 0)

    def get_expiry(self, key: str) -> float:
        """When the key's live window ends (seconds since the epoch); now without one."""
        now = time.time()
        statement = sa.select(TABLE.c.expires_at).where(TABLE.c.key == _digest(key), TABLE.c.expires_at > now)
        return float(self._read(lambda conn: conn.execute(statement).scalar_one_or_none()) or now)

    def check(self) -> bool:
        """True when the database answers."""
        try:
            self._read(lambda conn: conn.execute(sa.select(sa.literal(1))).scalar_one())
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; returns how many there were."""
        return self._write(lambda conn: conn.execute(TABLE.delete()).rowcount)

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        self._write(lambda conn: conn.execute(TABLE.delete().where(TABLE.c.key == _digest(key))))

    def prune(self) -> int:
        """Delete the rows of windows that are over; returns how many went."""
        now = time.time()
        with self._bind().connect() as conn:
            conn = conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                return conn.execute(TABLE.delete().where(TABLE.c.expires_at <= now)).rowcount
