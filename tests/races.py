"""Run competing use cases at the same moment, each in its own thread with its own session.

Service-level races: every racer gets a Session of its own on the app's engine (its own
connection), all of them wait at a barrier, then run at once. On PostgreSQL (READ COMMITTED)
this is where a read-then-check-then-write use case lets two decisions both pass their check;
on SQLite BEGIN IMMEDIATE serialises them, so there the same test checks that the loser still
gets the answer a second, later request would get, and no "database is locked" error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlmodel import Session

from empathy.core.errors import ServiceError
from empathy.models import User

PAIRS = 20  # how many times each race is run: one run proves little, a lost race shows within 20

Racer = Callable[[Session], object]


def outcome(exc: BaseException | None) -> str:
    """"ok", the refusal's class name (Conflict, NotFound, ServiceError...), or the repr of a crash."""
    if exc is None:
        return "ok"
    if isinstance(exc, ServiceError):
        return type(exc).__name__
    return repr(exc)


def race(observer: Session, *racers: Racer, timeout: float = 60) -> list[str]:
    """Run `racers` at the same moment, each with a session of its own; their outcomes, in order.

    `observer` is the test's session: the racers use its engine, and its transaction is ended
    before and after the race and its copies of rows are dropped, so that what the test reads next
    is what the racers left (SQLite would otherwise keep showing the snapshot of a read transaction
    begun earlier). The test's objects stay usable, detached.
    A racer loads what it needs (the acting user...) from its session before the barrier, by
    being split in two: it is called once with the session and returns the callable that acts.
    """
    engine = observer.get_bind()
    observer.commit()
    results: list[str] = ["did not finish"] * len(racers)
    barrier = threading.Barrier(len(racers))

    def run(i: int, racer: Racer) -> None:
        with Session(engine, expire_on_commit=False) as session:
            act = racer(session)
            session.commit()  # nothing to write: ends the read transaction of the loading
            try:
                barrier.wait(timeout)
                act()
                results[i] = "ok"
            except BaseException as exc:  # recorded so the assertion names it
                results[i] = outcome(exc)

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    observer.commit()
    observer.expunge_all()  # its copies are stale, and SQLite hands the ids of deleted rows out again
    return results


def as_user(user_id: int, act: Callable[[Session, User], object]) -> Racer:
    """A racer that loads the user in its own session, then runs `act(session, user)` at the barrier."""

    def load(session: Session):
        user = session.get(User, user_id)
        return lambda: act(session, user)

    return load


def at_once(*calls: Callable[[], object], timeout: float = 60) -> list[object]:
    """Run `calls` at the same moment in threads of their own (requests through test clients); their results.

    An exception a call raises is returned in its place, for the test to name.
    """
    results: list[object] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout)
            results[i] = call()
        except BaseException as exc:  # returned so the assertion names it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results
