"""The database engine, one session per request, column types shared by the models, and the tools
of writing under concurrency: write transactions, compare-and-set decisions, row locks, retries."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g
from flask_babel import gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import ObjectDeletedError
from sqlmodel import Session, SQLModel
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from empathy.core.errors import NotFound
from empathy.core.memo import BoundedCache

T = TypeVar("T")
M = TypeVar("M", bound=SQLModel)
log = logging.getLogger(__name__)


# How many writes this process has made through its sessions (flushes, DML statements, commits after
# them): caches of what the database says (the matching index's change probe, unread counts) are kept
# while it stays put, for at most a second or a few, and refreshed at once when it moves.
_writes = 0
_writes_lock = threading.Lock()


def local_writes() -> int:
    """A number that changes whenever this process writes through a session (a cache's key)."""
    return _writes


def _bump_writes() -> None:
    global _writes
    with _writes_lock:
        _writes += 1


@event.listens_for(Session, "after_flush")
def _note_flush(session, _flush_context) -> None:
    session.info["empathy_wrote"] = True
    _bump_writes()


@event.listens_for(Session, "do_orm_execute")
def _note_write(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["empathy_wrote"] = True
        _bump_writes()


@event.listens_for(Session, "after_commit")
def _note_commit(session) -> None:
    # Other sessions see the rows from now on: a cache filled meanwhile must be refreshed.
    if session.info.pop("empathy_wrote", False):
        _bump_writes()


@event.listens_for(Session, "after_rollback")
def _forget_writes(session) -> None:
    session.info.pop("empathy_wrote", None)

RECENT_READS_KEY = "empathy.recent_reads"
RECENT_READ_TTL = 5.0  # seconds, as the unread count's


def recent_read(name: Hashable, load: Callable[[], T], *, ttl: float = RECENT_READ_TTL) -> T:
    """`load()`'s result, kept by the current app for up to `ttl` seconds while this process writes nothing.

    For small lists every page shows and admins rarely change (the sites): a change made through this process
    shows at once (`local_writes` moves), one made by another process within `ttl` seconds. The value is
    shared by requests and threads: return rows that are only read (ORM objects are detached once the request
    that loaded them ends; never add them to a session), not rows a use case changes or checks before writing.
    """
    store = current_app.extensions.get(RECENT_READS_KEY)
    if store is None:
        store = current_app.extensions.setdefault(RECENT_READS_KEY, BoundedCache(4096))
    now, writes = time.monotonic(), local_writes()  # the count before the read: a write meanwhile refreshes it
    kept = store.get(name)
    if kept is not None and kept[1] == writes and now - kept[0] < ttl:
        return kept[2]
    value = load()
    store.put(name, (now, writes, value))
    return value


# Stable constraint names: migrations can refer to them and downgrade can drop them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ENGINE_KEY = "empathy.engine"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite keeps no offset, PostgreSQL does; this makes both return aware UTC values.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def make_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine; SQLite connections get foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (see _on_begin); pysqlite's own is deferred only.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A transaction that reads and then writes must take the write lock up front,
        # or it fails with "database is locked" when another writer got there first.
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def begin_write(session: Session) -> None:
    """Start the session's next transaction as a writer (BEGIN IMMEDIATE on SQLite).

    Call it first in a service that reads and then writes. A transaction already
    open (for example the read that loaded the current user) is committed first; it
    holds no changes of its own at that point.
    """
    if session.in_transaction():
        session.commit()
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_immediate": True})


# ----------------------------------------------------------------------------- decisions under concurrency
# On PostgreSQL (READ COMMITTED) two transactions can read the same row, both find it in the state
# their use case requires, and both write: both decisions "win". SQLite's BEGIN IMMEDIATE
# serialises writers, PostgreSQL does not. So a decision is one conditional UPDATE whose row count
# says whether the row was still in that state (`compare_and_set`); PostgreSQL makes the second
# UPDATE wait for the first to commit and then checks the condition again against the new row. A
# check that spans rows (a sum, a count) takes the rows it depends on first (`lock_rows`).


def _key(row: SQLModel) -> tuple[type[SQLModel], sa.ColumnElement[bool]]:
    model = type(row)
    mapper = sa.inspect(model)
    identity = mapper.primary_key_from_instance(row)
    return model, sa.and_(*(column == value for column, value in zip(mapper.primary_key, identity)))


def _conditions(where: sa.ColumnElement[bool] | Iterable[sa.ColumnElement[bool]]) -> list:
    return [where] if isinstance(where, sa.ColumnElement) else list(where)


def compare_and_set(session: Session, row: SQLModel,
                    where: sa.ColumnElement[bool] | Iterable[sa.ColumnElement[bool]] = (), **values: Any) -> bool:
    """Write `values` to `row` only if the stored row still meets `where`; True when it did.

    One `UPDATE ... WHERE <primary key> AND <where>`: of two transactions deciding on the same row at
    the same moment, exactly one changes it and the other gets False (nothing written), on SQLite and
    PostgreSQL alike. On success `row` is refreshed from the database (on PostgreSQL the row stays
    locked until the commit, so what the caller reads from it now holds). `updated_at` moves as with
    any UPDATE. The caller commits, and on False refuses (Conflict) without writing anything else.
    """
    model, key = _key(row)
    result = session.execute(
        sa.update(model).where(key, *_conditions(where)).values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    session.refresh(row)
    return True


def compare_and_delete(session: Session, row: SQLModel,
                       where: sa.ColumnElement[bool] | Iterable[sa.ColumnElement[bool]] = ()) -> bool:
    """Delete `row` only if it is still stored (and meets `where`); True when this call deleted it.

    Of two transactions deleting the same row at once, one gets True and the other False. The
    instance leaves the session on success. The caller commits.
    """
    model, key = _key(row)
    result = session.execute(sa.delete(model).where(key, *_conditions(where))
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    session.expunge(row)
    return True


def lock_rows(session: Session, model: type[M], *where: sa.ColumnElement[bool]) -> list[M]:
    """The rows of `model` meeting `where`, as stored now, locked for this transaction; by primary key.

    PostgreSQL: `SELECT ... FOR NO KEY UPDATE` (rows referencing them can still be inserted), taken in
    key order so that two transactions locking the same rows cannot deadlock. SQLite has no row locks
    and needs none: call `begin_write` first, and the whole database is this transaction's until it ends.
    Use it for a check that reads more than the row it changes (a sum, a count, who may act).
    """
    mapper = sa.inspect(model)
    statement = (sa.select(model).where(*where).order_by(*mapper.primary_key)
                 .with_for_update(key_share=True).execution_options(populate_existing=True))
    return list(session.scalars(statement).all())


# ----------------------------------------------------------------------------- retrying transient failures
ATTEMPTS = 6


def is_transient(exc: BaseException) -> bool:
    """Whether running the transaction again may succeed: a serialization failure (SQLSTATE 40001), a
    deadlock (40P01), or SQLite's "database is locked"."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in ("40001", "40P01") or "database is locked" in str(exc.orig)


def gone_message() -> str:
    """What a user is told when a row their request relies on was deleted by another request meanwhile."""
    return gettext("This was deleted meanwhile: reload the page to see what is left.")


def _pause(state: RetryCallState) -> float:
    # Spread the retries of transactions that collided, more with each attempt (seconds).
    return random.uniform(0.01, 0.05) * state.attempt_number


def retrying(service: Callable[..., T]) -> Callable[..., T]:
    """Run a write use case again after a serialization failure, deadlock or lock timeout.

    Every failed attempt is rolled back first, so a refusal (ServiceError) or any other error changes
    nothing and reaches the caller at once; only `is_transient` errors are tried again, up to ATTEMPTS
    times in all, after a short random pause that grows with each attempt. The service must take its
    session as the keyword argument `session`.

    A rollback expires the objects the caller passed in (the acting user, say). When one of them was
    deleted meanwhile by another transaction (the account deleted while its owner accepts an invitation),
    reading it again raises SQLAlchemy's ObjectDeletedError: that is a refusal, NotFound, not a crash.
    """

    @wraps(service)
    def run(*args, session: Session, **kwargs) -> T:
        def attempt() -> T:
            try:
                return service(*args, session=session, **kwargs)
            except ObjectDeletedError as exc:
                session.rollback()
                raise NotFound(str(gone_message())) from exc
            except BaseException:
                session.rollback()
                raise

        retryer = Retrying(retry=retry_if_exception(is_transient), stop=stop_after_attempt(ATTEMPTS),
                           wait=_pause, reraise=True)
        return retryer(attempt)

    return run


def end_read(session: Session) -> None:
    """Commit the session's open transaction if it is only a read (nothing added, changed or deleted).

    On SQLite a transaction that has read cannot write any more once another connection has written
    in the meantime ("database is locked" at once, SQLITE_BUSY_SNAPSHOT): call this before writing
    on a connection of one's own while a request's session may be mid-read.
    """
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()


def init_app(app: Flask) -> None:
    """Create the app's engine (no connection is opened) and close sessions at teardown."""
    app.extensions[ENGINE_KEY] = make_engine(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )
    app.teardown_appcontext(close_session)


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions[ENGINE_KEY]


def get_session() -> Session:
    """The request's session, created on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


# ----------------------------------------------------------------------------- bookkeeping on any request
def write_aside(session: Session, statement: sa.Executable) -> bool:
    """Run one small bookkeeping write (when a token or a sign-in was last used, ...) in a transaction of
    its own, and never fail the request over it; True when it was written, False when it was skipped.

    Make `statement` conditional (`UPDATE ... WHERE last_used_at < :recent`), so that parallel requests
    write it once. The read transaction open so far is committed first: it holds no changes at that
    point (call this before the use case starts), and on SQLite a transaction that has read and then
    writes fails at once with "database is locked" when another writer committed meanwhile, where one
    that starts with its write waits for the lock, here ASIDE_BUSY_TIMEOUT_MS at most (a long import may
    hold it for seconds). A write that still fails (the lock did not come in time, a serialization failure
    on PostgreSQL) is rolled back, logged and skipped: the request goes on, and a later one writes it.
    """
    try:
        if session.in_transaction():
            session.commit()
        if session.get_bind().dialect.name == "sqlite":
            _execute_without_waiting(session, statement)
        else:
            session.execute(statement)
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        log.warning("bookkeeping write skipped: %s", type(exc.orig).__name__ if exc.orig else type(exc).__name__)
        return False
    return True


# How long a bookkeeping write waits for SQLite's write lock before it is skipped (milliseconds). A long write
# transaction (an import of thousands of rows) holds that lock for seconds; a page view must not wait for it
# over something a later request writes anyway.
ASIDE_BUSY_TIMEOUT_MS = 100


def _execute_without_waiting(session: Session, statement: sa.Executable) -> None:
    connection = session.connection()
    waited = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout={ASIDE_BUSY_TIMEOUT_MS}")
    try:
        session.execute(statement)
    finally:  # the lock is taken (or not) by now: the commit needs no wait; the pooled connection gets its own back
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(waited)}")


# ----------------------------------------------------------------------------- bulk writes
def bulk_insert(session: Session, table: sa.Table, rows: list[dict], *, returning: tuple[str, ...] = ()) -> list:
    """INSERT `rows` (dicts with the same keys) into `table` in the session's transaction; the `returning`
    columns of each inserted row (tuples, in no particular order), or [] without `returning`.

    Columns a row leaves out get their scalar defaults. On PostgreSQL it is one `INSERT ... SELECT FROM
    unnest(<one array per column>)` per call: a short statement whatever the row count (psycopg parses a
    long multi-VALUES statement anew each time, which cost 0.4 s per 1,000 rows). Elsewhere it is
    SQLAlchemy's executemany. The caller commits.
    """
    if not rows:
        return []
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        if returning:
            return list(session.execute(sa.insert(table).returning(*(table.c[c] for c in returning)), rows).all())
        session.execute(sa.insert(table), rows)
        return []
    defaults = {c.name: c.default.arg for c in table.columns
                if c.name not in rows[0] and c.default is not None and c.default.is_scalar}
    names = [*rows[0], *defaults]
    from sqlalchemy.dialects.postgresql import ARRAY

    arrays = []
    for name in names:
        column = table.c[name]
        values = [row[name] for row in rows] if name in rows[0] else [defaults[name]] * len(rows)
        if isinstance(column.type, sa.JSON):  # a JSON[] parameter is sent as text[] and cast
            text = sa.bindparam(None, [None if v is None else json.dumps(v) for v in values], type_=ARRAY(sa.Text))
            arrays.append(sa.cast(sa.cast(text, ARRAY(sa.Text)), ARRAY(sa.JSON)))
        else:
            arrays.append(sa.cast(sa.bindparam(None, values, type_=ARRAY(column.type)), ARRAY(column.type)))
    statement = sa.insert(table).from_select(names, sa.select(sa.literal_column("*"))
                                             .select_from(sa.func.unnest(*arrays)))
    if returning:
        return list(session.execute(statement.returning(*(table.c[c] for c in returning))).all())
    session.execute(statement)
    return []
