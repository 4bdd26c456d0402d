"""The task queue: work that must not run inside a web request (mail, refits, reminders, large imports).

Built on Huey (docs/architecture.md says why): a request only records what must happen and queues a task;
a worker process (`flask --app empathy queue worker`, the `worker` line of the Procfile) runs it, and the
worker's scheduler runs the periodic tasks (reminders, mail retries, stale-model checks) instead of cron.

Where the queue lives is one setting, `QUEUE_URL`:
- empty (the default): a SQLite file in the instance folder (`queue.sqlite3`). No extra server; every web
  and worker process of one machine shares it. `make run` uses it.
- `redis://host:6379/0`: Redis, for an installation of several hosts (pip install -e '.[redis]').
- `immediate`: no queue; a task runs in the caller at once. For tests and one-off scripts only.

Tasks are plain functions declared with `@task` (or `@periodic`) in the modules listed in
`empathy.TASK_MODULES`; `init_app` registers them with the app's Huey instance, wrapped so that each run
has an app context of the app that runs it (the worker's own app, made from the same configuration).
The Huey instance itself is made on first use, so creating an app opens no file and no connection.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

__all__ = ["task", "periodic", "crontab", "enqueue", "enqueue_after_commit", "queue_of", "init_app",
           "background_priority", "BACKGROUND_NICE",
           "put_note", "read_note", "drop_note",
           "QueueConfigError", "QUEUE_FILE", "declared_tasks"]

log = logging.getLogger(__name__)

QUEUE_FILE = "queue.sqlite3"  # in the instance folder, when QUEUE_URL is empty
_EXTENSION = "empathy.queue"


class QueueConfigError(ValueError):
    """QUEUE_URL names no queue this app can use."""


@dataclass(frozen=True)
class TaskSpec:
    """One declared task: the function and Huey's settings for it (retries, delay in seconds, schedule)."""

    func: Callable[..., Any]
    name: str
    retries: int = 0
    retry_delay: int = 0
    schedule: Callable[[Any], bool] | None = None  # periodic tasks: huey.crontab(...) or any validator
    options: dict = field(default_factory=dict)


_DECLARED: dict[str, TaskSpec] = {}


def _declare(spec: TaskSpec) -> None:
    known = _DECLARED.get(spec.name)
    if known is not None and known.func is not spec.func:
        # The same module imported twice (a reload) redeclares its functions: keep the newest.
        if known.func.__qualname__ != spec.func.__qualname__ or known.func.__module__ != spec.func.__module__:
            raise ValueError(f"two tasks are named {spec.name!r}")
    _DECLARED[spec.name] = spec


def task(func: Callable | None = None, *, retries: int = 0, retry_delay: int = 0, name: str | None = None):
    """Declare a queue task. `retries`: how many more times a run that raised is tried; `retry_delay`:
    seconds between tries. Arguments must be JSON-like values (ids, strings): a task runs in another
    process, later. The function stays callable as it is; queue a run with `enqueue(func, ...)`."""
    def decorate(fn):
        _declare(TaskSpec(fn, name or f"{fn.__module__}.{fn.__name__}", retries, retry_delay))
        return fn
    return decorate(func) if func is not None else decorate


def periodic(schedule: Callable[[Any], bool], *, retries: int = 0, retry_delay: int = 0, name: str | None = None):
    """Declare a task the worker's scheduler runs when `schedule(datetime)` is true, checked each minute in
    UTC (e.g. `crontab(minute="*/5")`). Run the scheduler in one worker of an installation (the other
    workers with `--no-periodic`); the periodic tasks are safe to run twice anyway."""
    def decorate(fn):
        _declare(TaskSpec(fn, name or f"{fn.__module__}.{fn.__name__}", retries, retry_delay, schedule))
        return fn
    return decorate


def declared_tasks() -> list[TaskSpec]:
    """Every declared task, by name."""
    return sorted(_DECLARED.values(), key=lambda spec: spec.name)


def _make_huey(app: Flask) -> Huey:
    url = (app.config.get("QUEUE_URL") or "").strip()
    name = app.config.get("QUEUE_NAME") or "empathy"
    if url == "immediate":
        return MemoryHuey(name, immediate=True)
    if not url:
        return SqliteHuey(name, filename=os.path.join(app.instance_path, QUEUE_FILE))
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss", "unix"):
        return RedisHuey(name, url=url)
    if scheme == "sqlite":
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite://")
        return SqliteHuey(name, filename=path)
    raise QueueConfigError(f"QUEUE_URL {url!r}: use redis://..., sqlite:///path, immediate or leave it empty")


def _short(spec: TaskSpec) -> str:
    # Huey names a task "<module>.<name>" itself.
    return spec.name.removeprefix(spec.func.__module__ + ".")


def _in_context(app: Flask, fn: Callable) -> Callable:
    def run(*args, **kwargs):
        with app.app_context():
            return fn(*args, **kwargs)
    run.__name__, run.__doc__, run.__module__ = fn.__name__, fn.__doc__, fn.__module__
    return run


class _Queue:
    """The app's Huey instance and its registered tasks, made on first use."""

    def __init__(self, app: Flask):
        self.app = app
        self._huey: Huey | None = None
        self._wrappers: dict[str, Any] = {}

    @property
    def huey(self) -> Huey:
        if self._huey is None:
            huey = _make_huey(self.app)
            wrappers = {}
            for spec in _DECLARED.values():
                run = _in_context(self.app, spec.func)
                if spec.schedule is None:
                    wrappers[spec.name] = huey.task(retries=spec.retries, retry_delay=spec.retry_delay,
                                                    name=_short(spec))(run)
                else:
                    wrappers[spec.name] = huey.periodic_task(spec.schedule, retries=spec.retries,
                                                             retry_delay=spec.retry_delay, name=_short(spec))(run)
            self._huey, self._wrappers = huey, wrappers
        return self._huey

    def wrapper(self, func: Callable) -> Any:
        huey = self.huey  # registers
        for spec in _DECLARED.values():
            if spec.func is func:
                return self._wrappers[spec.name]
        raise LookupError(f"{func.__module__}.{func.__qualname__} is not a declared task (or its module "
                          f"is not in empathy.TASK_MODULES); the queue {huey.name!r} cannot run it")


def init_app(app: Flask) -> None:
    """Attach the queue to `app` (lazily: nothing is opened until a task is queued or a worker starts)."""
    app.extensions[_EXTENSION] = _Queue(app)


def queue_of(app: Flask | None = None) -> Huey:
    """The Huey instance of `app` (default: the current app), with every declared task registered."""
    app = app or current_app._get_current_object()
    return app.extensions[_EXTENSION].huey


def enqueue(func: Callable, *args, delay: float | None = None, **kwargs):
    """Queue one run of the declared task `func` with these arguments, for the current app's workers.

    `delay`: seconds to wait before it may run. Returns Huey's result handle (`.id`, `.get()`); under
    QUEUE_URL=immediate the task has already run. Raises LookupError for a function that is not a task,
    and whatever the queue's storage raises when it cannot be reached (the caller decides whether its own
    work stands without the task: see `enqueue_after_commit`).
    """
    wrapper = current_app.extensions[_EXTENSION].wrapper(func)
    if delay:
        return wrapper.schedule(args=args, kwargs=kwargs, delay=delay)
    return wrapper(*args, **kwargs)


def enqueue_after_commit(session, func: Callable, *args, **kwargs) -> None:
    """Queue `func(*args, **kwargs)` once `session` commits its transaction, and never if it rolls back: a
    worker must not look for rows that were not committed (yet). A queue that cannot be reached is logged,
    not raised: the user's change stands, and the periodic sweeps pick up what the task would have done."""
    app = current_app._get_current_object()
    session.info.setdefault(_AFTER_COMMIT, []).append((app, func, args, kwargs))


_AFTER_COMMIT = "empathy.queue.after_commit"  # session.info key: the runs to queue when the session commits


@event.listens_for(OrmSession, "after_commit")
def _queue_committed(session) -> None:
    for app, func, args, kwargs in session.info.pop(_AFTER_COMMIT, ()):
        try:
            with app.app_context():
                enqueue(func, *args, **kwargs)
        except Exception:
            log.exception("could not queue %s.%s; the periodic sweep will do it", func.__module__, func.__name__)


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing of it was committed
        session.info.pop(_AFTER_COMMIT, None)


# ----------------------------------------------------------------------------- notes beside the queue
# Small values a task shares with the web processes while it runs (an import's progress), kept in the queue's
# own storage (the SQLite queue file, or Redis): a write there takes no lock of the app's database, so it is
# seen at once even while the task's own database transaction is open (on SQLite, a second writer of the app's
# database would wait for that transaction to end). Best effort: a note that cannot be written or read is
# logged and taken as missing.
_NOTE_PREFIX = "empathy.note:"


def put_note(name: str, value: Any) -> None:
    """Keep `value` (a JSON-like value) under `name` for `read_note`, replacing what was there."""
    try:
        queue_of().put(_NOTE_PREFIX + name, value)
    except Exception:
        log.warning("could not write the queue note %s", name, exc_info=True)


def read_note(name: str) -> Any:
    """The value last put under `name`, or None."""
    try:
        return queue_of().get(_NOTE_PREFIX + name, peek=True)
    except Exception:
        log.warning("could not read the queue note %s", name, exc_info=True)
        return None


def drop_note(name: str) -> None:
    """Forget the note `name` (no error when there is none)."""
    try:
        queue_of().delete(_NOTE_PREFIX + name)
    except Exception:
        log.warning("could not drop the queue note %s", name, exc_info=True)


# ----------------------------------------------------------------------------- CPU priority of long tasks
# How much lower a long task (a large import) runs than the web processes on the same cores: with 2 cores, a
# worker at full speed beside 3 web workers made page views wait for the CPU (issue #17).
BACKGROUND_NICE = 10


@contextlib.contextmanager
def background_priority(increment: int = BACKGROUND_NICE) -> Iterator[bool]:
    """Run the block with this thread's CPU priority lowered by `increment` (its nice value, Linux: a thread
    has its own), so that the web requests served on the same cores go first; yields whether it was lowered.

    Only in a queue worker's thread: under QUEUE_URL=immediate the task runs in a web request's thread, which
    keeps its priority. Restored afterwards where the system lets a process raise its priority again (root,
    or RLIMIT_NICE); elsewhere the worker thread stays lower, which only ever delays background work.
    """
    lowered = False
    if hasattr(os, "setpriority") and not getattr(queue_of(), "immediate", False):
        thread = threading.get_native_id()
        try:
            before = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(19, before + increment))
            lowered = True
        except OSError:
            log.debug("could not lower the priority of thread %s", thread, exc_info=True)
    try:
        yield lowered
    finally:
        if lowered:
            try:
                os.setpriority(os.PRIO_PROCESS, thread, before)
            except OSError:
                log.debug("thread %s keeps its lower priority (no permission to raise it)", thread)
