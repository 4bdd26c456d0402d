"""The fitted model of this process: loaded from its file, kept current by `updated_at`."""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from empathy.core.db import local_writes, utcnow
from empathy.matching import SkillMatcher, load_model, save_model
from empathy.models import AuditEntry, EmployeeProfile, Need, User
from empathy.suggestions.documents import SYNC_OVERLAP, build_taxonomy, employee_documents, need_documents

log = logging.getLogger(__name__)

# Upserted rows keep the fitted vocabulary and hubness scalings; after this many (or this share
# of the pool) a background refit brings both up to date.
REFIT_AFTER_CHANGES = 200
REFIT_AFTER_SHARE = 0.2


# The change probe (`MatchIndex._sync`) runs at most this often per process while nothing is written
# through this process's sessions: every page that suggests would pay for it. Another process's writes
# show up within this delay; this process's own at once (`local_writes` moves on each of them).
SYNC_PROBE_INTERVAL = 1.0  # seconds

# A model of this many employees or more is moved out of the cyclic garbage collector's reach once
# loaded (`gc.freeze`): at 100,000 employees it holds millions of objects, and each full collection
# walked them all, a 1 s pause (4 s at load average 12) on whichever request triggered it. The model
# holds no reference cycles, so a replaced one is still freed (by reference counts). Small models are
# left alone: freezing also keeps whatever cyclic garbage exists at that moment.
FREEZE_MIN_EMPLOYEES = 10_000


@dataclass(frozen=True)
class FitReport:
    employees: int
    needs: int
    seconds: float
    path: Path

    def summary(self) -> str:
        return (f"Fitted on {self.employees} employees and {self.needs} needs in "
                f"{self.seconds:.1f} s; saved to {self.path}.")


def fit_and_save(session: Session, path: Path, tz: ZoneInfo) -> FitReport:
    """Fit a new model on every row, warm its need references and write it atomically; workers pick it up."""
    started = time.perf_counter()
    until = utcnow()
    employees = employee_documents(session)
    needs = need_documents(session, tz)
    model = SkillMatcher(taxonomy=build_taxonomy(session)).fit(employees, needs)
    fingerprint = json.dumps({"employees": len(employees), "needs": len(needs), "until": until.isoformat()})
    # Saved with every need's reference score, so the first ranking of needs for an employee is cheap.
    model.warm_need_references()
    save_model(model, path, data_fingerprint=fingerprint)
    return FitReport(len(employees), len(needs), time.perf_counter() - started, path)


class MatchIndex:
    """One per model file and process; thread-safe."""

    def __init__(self, path: Path, tz: ZoneInfo):
        self.path = path
        self.tz = tz
        self._lock = threading.Lock()
        self._model: SkillMatcher | None = None
        self._mtime: float | None = None
        self._synced_until: datetime | None = None
        self._probed: tuple[float, int] | None = None  # (time.monotonic(), local_writes()) at the last probe
        self._refitting = False
        self._refit_again = False
        self._thread: threading.Thread | None = None
        self.changes_since_fit = 0
        # Bumped whenever the model or its pools change (a new file, rows folded in, people forgotten):
        # part of the key of cached rankings (`suggestions.ranked`).
        self.generation = 0

    def has_model(self) -> bool:
        """Whether a usable fitted model is loaded (a stale or missing file gives none)."""
        with self._lock:
            self._reload_if_newer()
            return self._model is not None

    def wants_refit(self) -> bool:
        """No usable model yet, or so many rows folded in since the fit that a refit pays."""
        if not self.has_model():
            return True
        pool = len(self._model.employee_docs_) + len(self._model.need_docs_)
        return self.changes_since_fit > max(REFIT_AFTER_CHANGES, REFIT_AFTER_SHARE * pool)

    def current(self, session: Session) -> SkillMatcher | None:
        """The model with every change up to now folded in, or None before the first fit."""
        with self._lock:
            self._reload_if_newer()
            if self._model is None:
                return None
            self._sync(session)
            return self._model

    def _reload_if_newer(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return
        if mtime == self._mtime:
            return
        try:
            model = load_model(self.path)
        except Exception as exc:  # stale, truncated or foreign: any of them means "refit"
            log.warning("matching model at %s cannot be used (%s); a refit will replace it", self.path, exc)
            self._mtime = mtime
            return
        model.warm_explanations()  # the first pages after a load explain without computing skill vectors
        self._model = model
        self._mtime = mtime
        if model.employees_.n_rows >= FREEZE_MIN_EMPLOYEES:
            gc.collect()
            gc.freeze()
        self._synced_until = datetime.fromisoformat(json.loads(model.data_fingerprint_)["until"])
        self._probed = None
        self.changes_since_fit = 0
        self.generation += 1

    def _sync(self, session: Session) -> None:
        seen = local_writes()
        if (self._probed is not None and self._probed[1] == seen
                and time.monotonic() - self._probed[0] < SYNC_PROBE_INTERVAL):
            return
        since = self._synced_until - SYNC_OVERLAP
        now = utcnow()
        # Cheap probe first, one statement: most requests find nothing changed.
        def changed_in(table, column):
            return select(func.count()).select_from(table).where(column >= since).scalar_subquery()

        changed, deleted = session.exec(select(
            changed_in(EmployeeProfile, EmployeeProfile.updated_at) + changed_in(Need, Need.updated_at)
            + changed_in(User, User.updated_at),
            select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "account_deleted", AuditEntry.created_at >= since).scalar_subquery())).one()
        if changed:
            for doc in employee_documents(session, since=since):
                self._model.upsert_employee(doc)
                self.changes_since_fit += 1
            for doc in need_documents(session, self.tz, since=since):
                self._model.upsert_need(doc)
                self.changes_since_fit += 1
            self.generation += 1
        if deleted:
            self._forget_deleted(session)
        self._synced_until = now
        self._probed = (time.monotonic(), seen)

    def _forget_deleted(self, session: Session) -> None:
        """Drop employees whose account is gone (each deletion leaves an audit entry, which the sync looks for)."""
        present = {str(i) for i in session.exec(select(EmployeeProfile.user_id)).all()}
        for employee_id in [e for e in self._model.employee_docs_ if e not in present]:
            self._model.remove_employee(employee_id)
            self.generation += 1

    def refit_in_background(self, engine: Engine, *, again: bool = False) -> bool:
        """Start a refit on a thread of its own; the app keeps answering meanwhile.

        Returns False when a refit is running already; with `again`, that refit is then followed by
        another one, which reads the rows as they are after the caller's change (an account deletion
        must not be undone by a refit that read the rows just before it).
        """
        with self._lock:
            if self._refitting:
                self._refit_again = self._refit_again or again
                return False
            self._refitting = True

        def run():
            while True:
                try:
                    with Session(engine) as session:
                        report = fit_and_save(session, self.path, self.tz)
                    log.info("background refit: %s", report.summary())
                except Exception:  # a failed refit must not take the app down; the old model stays
                    log.exception("background refit failed")
                with self._lock:
                    if not self._refit_again:
                        self._refitting = False
                        return
                    self._refit_again = False

        self._thread = threading.Thread(target=run, name="empathy-refit", daemon=True)
        self._thread.start()
        return True

    def wait_for_refit(self, timeout: float | None = None) -> bool:
        """Wait until no background refit runs (at most `timeout` seconds); returns whether none does."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self._refitting

    @property
    def is_refitting(self) -> bool:
        return self._refitting


_INDEXES: dict[str, MatchIndex] = {}
_INDEXES_LOCK = threading.Lock()


def index_for(path: Path, tz: ZoneInfo) -> MatchIndex:
    key = str(path.resolve())
    with _INDEXES_LOCK:
        if key not in _INDEXES:
            _INDEXES[key] = MatchIndex(path, tz)
        return _INDEXES[key]
