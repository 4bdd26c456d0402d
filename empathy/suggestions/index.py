"""The fitted model of this process: loaded from its source (a file or the stored versions), kept current by
`updated_at`. Fitting happens in the queue's worker (`suggestions.refits`), never here."""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from empathy.core.db import local_writes, utcnow
from empathy.matching import SkillMatcher, load_model, save_model
from empathy.models import AuditEntry, EmployeeProfile, Need, User
from empathy.suggestions.documents import SYNC_OVERLAP, build_taxonomy, employee_documents, need_documents
from empathy.suggestions.store import ModelStore

log = logging.getLogger(__name__)

# Upserted rows keep the fitted vocabulary and hubness scalings; after this many (or this share
# of the pool) a refit (queued for the worker) brings both up to date.
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


def _is_large(model: SkillMatcher) -> bool:
    # Frozen while the load has the collector paused (`matching.persistence.load_model`): a constant-time
    # move; collecting first would walk every object the load made. The young generations were collected
    # before the load (`MatchIndex._read`).
    return model.employees_.n_rows >= FREEZE_MIN_EMPLOYEES


@dataclass(frozen=True)
class FitReport:
    employees: int
    needs: int
    seconds: float
    path: Path | str
    version: int | None = None

    def summary(self) -> str:
        where = f"stored as version {self.version}" if self.version is not None else f"saved to {self.path}"
        return (f"Fitted on {self.employees} employees and {self.needs} needs in "
                f"{self.seconds:.1f} s; {where}.")


@dataclass
class Fitted:
    """A model fitted on every row as of `until` (the moment before the rows were read)."""

    model: SkillMatcher
    employees: int
    needs: int
    until: datetime
    seconds: float

    @property
    def data_fingerprint(self) -> str:
        return json.dumps({"employees": self.employees, "needs": self.needs, "until": self.until.isoformat()})


def fit_model(session: Session, tz: ZoneInfo) -> Fitted:
    """Fit a new model on every row and warm its need references (saved with it, so the first ranking of
    needs for an employee is cheap). Takes seconds to minutes: run it in the worker, never in a request."""
    started = time.perf_counter()
    until = utcnow()
    employees = employee_documents(session)
    needs = need_documents(session, tz)
    model = SkillMatcher(taxonomy=build_taxonomy(session)).fit(employees, needs)
    model.warm_need_references()
    return Fitted(model, len(employees), len(needs), until, time.perf_counter() - started)


def fit_and_save(session: Session, path: Path, tz: ZoneInfo) -> FitReport:
    """Fit a new model on every row and write it atomically to one file (no version row: tests and tools;
    the app's refits go through `suggestions.refits.refit`, which stores versions)."""
    fitted = fit_model(session, tz)
    save_model(fitted.model, path, data_fingerprint=fitted.data_fingerprint)
    return FitReport(fitted.employees, fitted.needs, fitted.seconds, path)


class ModelFile:
    """A model source of one file, followed by its modification time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.key = str(self.path)

    def token(self) -> float | None:
        """Changes whenever the file is replaced; None while there is none."""
        try:
            return self.path.stat().st_mtime
        except FileNotFoundError:
            return None

    def load(self, token, *, freeze: Callable[[SkillMatcher], bool] | None = None) -> SkillMatcher:
        return load_model(self.path, freeze=freeze)


class StoredModels:
    """A model source following the newest stored version (`suggestions.store.ModelStore`).

    The newest version number is read at most once per `SYNC_PROBE_INTERVAL` (at once after a write of
    this process), so every request compares it without a query of its own. While no version is stored,
    the file `fallback` is followed instead (a model saved by `fit_and_save`, or by a release before
    versions), so an upgrade keeps answering until the first refit.
    """

    def __init__(self, store: ModelStore, fallback: Path | None = None):
        self.store = store
        self.fallback = ModelFile(fallback) if fallback is not None else None
        self.key = store.key
        self._read: tuple[float, int, int | None] | None = None  # (monotonic, local_writes, version)

    def token(self):
        """("version", n) for a stored version, ("file", mtime) for the fallback, None for neither."""
        seen = local_writes()
        read = self._read
        if read is None or read[1] != seen or time.monotonic() - read[0] >= SYNC_PROBE_INTERVAL:
            read = self._read = (time.monotonic(), seen, self.store.latest_version())
        if read[2] is not None:
            return ("version", read[2])
        mtime = self.fallback.token() if self.fallback is not None else None
        return ("file", mtime) if mtime is not None else None

    def load(self, token, *, freeze: Callable[[SkillMatcher], bool] | None = None) -> SkillMatcher:
        kind, value = token
        if kind == "version":
            return self.store.load(value, freeze=freeze)
        return self.fallback.load(token, freeze=freeze)


class MatchIndex:
    """This process's copy of the fitted model, kept current; thread-safe.

    `source` is a file path or a `StoredModels`. A newer model is noticed before each request (the
    source's token); with `load_in_background`, it is read on a thread of its own while requests keep
    using the model they have, and swapped in when ready (the very first model is read at once). This
    index never fits: when it has no usable model or has folded in too many changes (`wants_refit`), the
    caller queues a refit (`suggestions.runtime.match_index`).
    """

    def __init__(self, source: Path | str | ModelFile | StoredModels, tz: ZoneInfo, *,
                 load_in_background: bool = False,
                 warm: Callable[[MatchIndex, SkillMatcher, int], object] | None = None):
        self.source = source if isinstance(source, (ModelFile, StoredModels)) else ModelFile(Path(source))
        self.path = self.source.key  # names the source in the caches of rankings (`suggestions.ranked`)
        self.tz = tz
        self.load_in_background = load_in_background
        # Called on the loader's thread with a newer model before it is swapped in (and the generation it
        # will have): work the first requests on it would otherwise do (`suggestions.ranked.warm_rankings`).
        self.warm = warm
        self._lock = threading.Lock()
        self._model: SkillMatcher | None = None
        self._token = None  # of the model held, or of the last one that could not be used
        self._loading = None  # the token being read on a thread, if any
        self._loader: threading.Thread | None = None
        self._synced_until: datetime | None = None
        self._probed: tuple[float, int] | None = None  # (time.monotonic(), local_writes()) at the last probe
        self.changes_since_fit = 0
        # Bumped whenever the model or its pools change (a new file, rows folded in, people forgotten):
        # part of the key of cached rankings (`suggestions.ranked`).
        self.generation = 0

    @property
    def version(self) -> int | None:
        """The stored version of the model held (None: none held, or one from a plain file)."""
        token = self._token if self._model is not None else None
        return token[1] if isinstance(token, tuple) and token[0] == "version" else None

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
        """The model with every change up to now folded in, or None before the first fit.

        The model returned never changes: later changes and newer versions go into other objects. A request
        ranks with it from start to end (a snapshot), whatever other threads fold in meanwhile."""
        with self._lock:
            self._reload_if_newer()
            if self._model is None:
                return None
            self._sync(session)
            return self._model

    def wait_for_load(self, timeout: float | None = None) -> bool:
        """Wait until no newer model is being read on a thread; returns whether none is."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)
        return self._loading is None

    def _reload_if_newer(self) -> None:
        try:
            token = self.source.token()
        except Exception:  # the store cannot be read now: keep answering with the model held
            log.exception("cannot read which matching model is the newest")
            return
        if token is None or token == self._token or token == self._loading:
            return
        if self._model is None or not self.load_in_background:
            self._install(token, self._read(token))
            return
        self._loading = token
        self._loader = threading.Thread(target=self._load_aside, args=(token,), name="empathy-model-load",
                                        daemon=True)
        self._loader.start()

    def _read(self, token) -> SkillMatcher | None:
        gc.collect(1)  # while the young generations are small: what is frozen after the load is the model
        try:
            model = self.source.load(token, freeze=_is_large)
        except Exception as exc:  # stale, truncated, foreign or gone: any of them means "refit"
            log.warning("matching model %s of %s cannot be used (%s); a refit will replace it",
                        token, self.path, exc)
            return None
        model.warm_explanations()  # the first pages after a load explain without computing skill vectors
        return model

    def _load_aside(self, token) -> None:
        try:
            model = self._read(token)
            if model is not None and self.warm is not None:
                try:
                    self.warm(self, model, self.generation + 1)
                except Exception:  # warming only saves time: the requests do the same work when it fails
                    log.exception("warming a newer matching model failed")
            with self._lock:
                self._install(token, model)
        finally:
            self._loading = None

    def _install(self, token, model: SkillMatcher | None) -> None:
        self._token = token
        if model is None:
            return
        self._model = model
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
        held = self._model
        # Rows of the overlap are read again and again: only documents that differ from the held ones count.
        employees = [d for d in employee_documents(session, since=since)
                     if held.employee_docs_.get(d.id) != d] if changed else []
        needs = [d for d in need_documents(session, self.tz, since=since)
                 if held.need_docs_.get(d.id) != d] if changed else []
        gone = self._deleted(session, held) if deleted else []
        if employees or needs or gone:
            # The changes go into a fork of the model, swapped in by one assignment: a request ranks with
            # the model it was handed (`current`) from start to end, never one changing under it.
            model = held.fork()
            for doc in employees:
                model.upsert_employee(doc)
            for doc in needs:
                model.upsert_need(doc)
            for employee_id in gone:
                model.remove_employee(employee_id)
            self._model = model
            self.changes_since_fit += len(employees) + len(needs)
            self.generation += 1
        self._synced_until = now
        self._probed = (time.monotonic(), seen)

    @staticmethod
    def _deleted(session: Session, model: SkillMatcher) -> list[str]:
        """Employees whose account is gone (each deletion leaves an audit entry, which the sync looks for)."""
        present = {str(i) for i in session.exec(select(EmployeeProfile.user_id)).all()}
        return [e for e in model.employee_docs_ if e not in present]


_INDEXES: dict[str, MatchIndex] = {}
_INDEXES_LOCK = threading.Lock()


def index_for(source: Path | StoredModels, tz: ZoneInfo, *, load_in_background: bool = False,
              warm: Callable[[MatchIndex, SkillMatcher, int], object] | None = None) -> MatchIndex:
    """The one index of this process for `source` (a model file, or the stored versions of a store)."""
    key = source.key if isinstance(source, StoredModels) else str(Path(source).resolve())
    with _INDEXES_LOCK:
        if key not in _INDEXES:
            _INDEXES[key] = MatchIndex(source, tz, load_in_background=load_in_background, warm=warm)
        return _INDEXES[key]
