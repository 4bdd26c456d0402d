"""Refits: fit the model on every row and store it as a new version, one refit at a time across all hosts.

Run by the queue's worker (`suggestions.tasks.refit_model`) and by `flask match refit`; never inside a
web request. A refit asked for while another runs is coalesced: the running one refits once more after
its own, reading the rows as they are then (see `suggestions.store` for the lock).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from empathy.models import EmployeeProfile, Need, User
from empathy.suggestions.index import REFIT_AFTER_CHANGES, REFIT_AFTER_SHARE, fit_model
from empathy.suggestions.store import (
    ModelStore,
    VersionInfo,
    ask_holder_again,
    holder_name,
    take_pending,
    try_lock,
    unlock,
)

log = logging.getLogger(__name__)

# A version counts as current for a request only when its fit started this long after it: a request made
# just before its transaction committed (a refit queued after the commit) must not be answered by a fit
# that read the rows before that commit; it also covers small clock differences between hosts.
CURRENT_AFTER = timedelta(seconds=5)
KEEP_VERSIONS = 2  # the newest and the one before it (a process still reading it can finish)
WAIT_POLL = 1.0  # seconds between tries for the lock when the caller waits (the CLI)


@dataclass(frozen=True)
class RefitOutcome:
    """What a refit request did: `fitted` (stored `version`), `coalesced` (the running refit will refit
    once more), or `current` (a refit that read the rows after the request has been stored already)."""

    state: str
    version: int | None = None
    info: VersionInfo | None = None


def refit(*, store: ModelStore, tz: ZoneInfo, requested_at: datetime | None = None, forget: bool = False,
          wait: bool = False, retire: Path | None = None) -> RefitOutcome:
    """Fit the model on every row and store it as the newest version; drop all but the newest two.

    `requested_at` (UTC): when the refit was asked for; a version whose fit started later (by
    `CURRENT_AFTER`) already holds
    every change the asker meant, so none is made. `forget`: an account was deleted; the new version is
    the only one kept (no older one holds the person's text). `wait`: when another process refits, wait
    for the lock and refit after it (the CLI), instead of asking that process to refit once more.
    `retire`: the single model file of releases before versions, deleted once a version is stored.
    """
    if requested_at is not None:
        newest = store.info()
        if newest is not None and newest.started_at >= requested_at + CURRENT_AFTER:
            if forget:
                store.prune(keep=1)
                if retire is not None:
                    retire.unlink(missing_ok=True)
            return RefitOutcome("current", newest.version, newest)
    holder = holder_name()
    while not try_lock(store.engine, holder):
        if wait:
            time.sleep(WAIT_POLL)
        elif ask_holder_again(store.engine, forget=forget):
            return RefitOutcome("coalesced")
        # else: the holder let go between the two statements; try again.
    try:
        again, more_forget = take_pending(store.engine, holder)  # asked for since a holder died, say
        forget = forget or more_forget
        while True:
            info = _fit_and_publish(store, tz)
            store.prune(keep=1 if forget else KEEP_VERSIONS)
            if retire is not None:
                retire.unlink(missing_ok=True)
            if unlock(store.engine, holder, unless_pending=True):
                return RefitOutcome("fitted", info.version, info)
            again, forget = take_pending(store.engine, holder)
            if not again:  # the lease ran out and another process holds the lock now
                return RefitOutcome("fitted", info.version, info)
    finally:
        unlock(store.engine, holder, unless_pending=False)


def _fit_and_publish(store: ModelStore, tz: ZoneInfo) -> VersionInfo:
    with Session(store.engine, expire_on_commit=False) as session:
        fitted = fit_model(session, tz)
    info = store.publish(fitted.model, started_at=fitted.until, until=fitted.until, employees=fitted.employees,
                         needs=fitted.needs, seconds=fitted.seconds, data_fingerprint=fitted.data_fingerprint)
    log.info("refit: %d employees, %d needs in %.1f s; version %d (%d bytes)", fitted.employees, fitted.needs,
             fitted.seconds, info.version, info.size_bytes)
    return info


def stale_reason(*, store: ModelStore) -> str | None:
    """Why the stored model wants a refit now, or None: none stored, saved by other library versions, or
    more rows changed since its fit than a process folds in before asking for a refit."""
    info = store.info()
    if info is None:
        return "no model is stored"
    if not info.is_loadable:
        return "the stored model was saved by other library versions"
    with Session(store.engine) as session:
        def changed_in(table, column):
            return select(func.count()).select_from(table).where(column >= info.until).scalar_subquery()

        changed = session.exec(select(changed_in(EmployeeProfile, EmployeeProfile.updated_at)
                                      + changed_in(Need, Need.updated_at) + changed_in(User, User.updated_at))).one()
    if changed > max(REFIT_AFTER_CHANGES, REFIT_AFTER_SHARE * (info.employees + info.needs)):
        return f"{changed} rows changed since the stored model was fitted"
    return None
