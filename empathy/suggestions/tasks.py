"""Queue tasks of the matching model (empathy.core.queue): refits, nightly and when the model is stale."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from flask import has_app_context

from empathy.core.db import utcnow
from empathy.core.queue import background_priority, crontab, enqueue, enqueue_after_commit, periodic, task
from empathy.core.runtime import org_timezone
from empathy.suggestions.location import model_path, model_store
from empathy.suggestions.refits import refit, stale_reason

log = logging.getLogger(__name__)

# A process that wants a refit (no usable model, too many changes folded in) queues one at most this
# often: every request asks, and the refit takes a while; the task skips itself when a newer fit exists.
REQUEST_EVERY = 60.0  # seconds
_requested: dict[str, float] = {}  # store key -> time.monotonic() of this process's last request
_requested_lock = threading.Lock()


@task(retries=2, retry_delay=60)
def refit_model(requested_at: str | None = None, forget: bool = False) -> int | None:
    """Fit the model on every row and store it as a new version (one refit at a time across all hosts;
    see `suggestions.refits.refit`). `requested_at`: ISO time of the request (a version fitted after it
    makes this run a no-op); `forget`: keep no older version (an account was deleted). Returns the
    version stored or found current, None when the running refit will refit again instead. Runs at a
    lower CPU priority (core.queue.background_priority), as imports do."""
    asked = datetime.fromisoformat(requested_at) if requested_at else None
    with background_priority():  # pages served on the same cores go first
        outcome = refit(store=model_store(), tz=org_timezone(), requested_at=asked, forget=forget,
                        retire=model_path())
    log.info("refit task (asked at %s): %s, version %s", requested_at, outcome.state, outcome.version)
    return outcome.version


@periodic(crontab(minute="41", hour="2"))
def nightly_refit() -> int | None:
    """Daily at 02:41 UTC: refit, so the vocabulary and scalings follow a day of small changes."""
    with background_priority():
        return refit(store=model_store(), tz=org_timezone(), retire=model_path()).version


@periodic(crontab(minute="*/5"))
def check_model() -> str | None:
    """Every 5 minutes: queue a refit when no model is stored, the stored one was saved by other library
    versions, or many rows changed since its fit. Returns the reason, None when it is current."""
    reason = stale_reason(store=model_store())
    if reason is not None:
        log.info("queueing a refit: %s", reason)
        request_refit(reason, force=True)
    return reason


def request_refit(reason: str, *, forget: bool = False, force: bool = False) -> bool:
    """Queue a refit for the worker; returns whether one was queued. Without `force`, at most one per
    `REQUEST_EVERY` per process. A queue that cannot be reached is logged (the periodic check retries)."""
    key = model_store().key
    now = time.monotonic()
    with _requested_lock:
        last = _requested.get(key)
        if not force and last is not None and now - last < REQUEST_EVERY:
            return False
        _requested[key] = now
    try:
        enqueue(refit_model, utcnow().isoformat(), forget)
    except Exception:
        log.exception("could not queue a refit (%s); the periodic check will", reason)
        return False
    log.info("refit queued: %s", reason)
    return True


def refit_after_commit(session, reason: str) -> None:
    """Queue a refit once `session` commits (never after a rollback): the taxonomy changed, say. Each call
    queues one; the worker coalesces those that come while a refit runs."""
    if not has_app_context():  # a service run by a script or test of its own, with no app and so no queue
        log.info("no app: no refit queued (%s); the nightly refit will follow", reason)
        return
    log.info("refit to be queued after the commit: %s", reason)
    enqueue_after_commit(session, refit_model, utcnow().isoformat(), False)
