"""Where the fitted model lives for every host: versions (rows of `match_models`) and one refit at a time.

A version is written once and never changed: the model first (a file in the shared model directory, or
the bytes in the row itself), then its row, so a row always names a complete model. Web processes
follow the newest row (`latest_version`, one indexed read); the refit task writes new ones
(`ModelStore.publish`) and drops all but the newest few (`ModelStore.prune`).

A web process maps a version's arrays from a file (`matching.persistence`): the version's own file, or,
with the database store, a copy of its bytes written once into the local `cache` folder (one copy per host,
shared by all its workers). Copies of versions no longer stored are deleted when a newer one is loaded.

The refit lock is the one row of `match_refit_lock`, taken and handed back with conditional UPDATEs
(they hold on SQLite and PostgreSQL alike, with no SELECT ... FOR UPDATE) and a lease, so a worker that
died holding it blocks refits for `LEASE` at most.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from empathy.core.db import utcnow
from empathy.matching import MODEL_FORMAT, SkillMatcher, library_fingerprint, load_model, model_bytes, save_model
from empathy.matching.persistence import remove_stale_temporaries, save_bytes
from empathy.models import MatchModel, MatchRefitLock

STORES = ("directory", "database")
# A refit of 100,000 employees takes minutes; a worker that died holding the lock frees it after this.
LEASE = timedelta(minutes=30)
FILE_PREFIX = "match-model-v"

_models = MatchModel.__table__
_lock = MatchRefitLock.__table__


def library_json() -> str:
    """The running library versions as stored with each version (compared as text)."""
    return json.dumps(library_fingerprint(), sort_keys=True)


@dataclass(frozen=True)
class VersionInfo:
    """A stored version without its bytes."""

    version: int
    started_at: datetime
    until: datetime
    fitted_at: datetime
    employees: int
    needs: int
    seconds: float
    size_bytes: int
    library: str
    model_format: int
    location: str | None

    @property
    def is_loadable(self) -> bool:
        """Saved by the running library versions and model format (else: refit, never load)."""
        return self.model_format == MODEL_FORMAT and self.library == library_json()


_INFO_COLUMNS = [c for c in _models.c if c.name != "payload"]


class ModelStore:
    """The versions of one installation: `directory` holds their files (None: their bytes are in the rows)."""

    def __init__(self, engine: Engine, directory: Path | None, cache: Path | None = None):
        self.engine = engine
        self.directory = directory
        # Where this host keeps the files of versions stored in the database (None: a temporary folder).
        self.cache = cache

    @property
    def key(self) -> str:
        """Names this store in a process (the caches of rankings are kept per store)."""
        where = str(self.directory) if self.directory is not None else "database"
        # The engine's identity too: two apps over one database (tests) must not share an index whose
        # version numbers another app's rows reuse.
        return f"{self.engine.url.render_as_string(hide_password=True)}|{id(self.engine)}|{where}"

    # -------------------------------------------------------------------------------- versions
    def latest_version(self) -> int | None:
        """The newest version's number, or None when none is stored. One read of the primary key."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(_models.c.version))).scalar()

    def info(self, version: int | None = None) -> VersionInfo | None:
        """The stored facts of `version` (default: the newest), or None."""
        query = sa.select(*_INFO_COLUMNS)
        query = query.where(_models.c.version == version) if version is not None else (
            query.order_by(_models.c.version.desc()).limit(1))
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return VersionInfo(**row) if row is not None else None

    def versions(self) -> list[int]:
        """Every stored version, newest first."""
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(_models.c.version).order_by(_models.c.version.desc())).scalars())

    def load(self, version: int, *, freeze: Callable[[SkillMatcher], bool] | None = None) -> SkillMatcher:
        """Read a stored version, its arrays mapped from a file. Raises LookupError when it is gone,
        StaleModelError when it was saved by other library versions, OSError when its file cannot be read."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(_models.c.location, _models.c.fitted_at, _models.c.size_bytes)
                               .where(_models.c.version == version)).first()
        if row is None:
            raise LookupError(f"model version {version} is not stored (any more)")
        if row.location is not None:
            if self.directory is None:
                raise LookupError(f"model version {version} is a file, and MATCH_MODEL_STORE is 'database'")
            return load_model(self.directory / row.location, freeze=freeze)
        model = load_model(self._cached_copy(version, row.fitted_at, row.size_bytes), freeze=freeze)
        self.clean_cache()
        return model

    # ------------------------------------------------------------------ local copies of database versions
    def _cache_dir(self) -> Path:
        return self.cache if self.cache is not None else Path(tempfile.gettempdir()) / "empathy-match-cache"

    def _cache_prefix(self) -> str:
        # The database in the name: two installations (or test databases) on one host reuse version numbers.
        where = self.engine.url.render_as_string(hide_password=True)
        return f"{FILE_PREFIX}{hashlib.sha256(where.encode()).hexdigest()[:12]}-"

    def _cached_copy(self, version: int, fitted_at: datetime, size: int) -> Path:
        """The local file of a version stored in the database, written from its row when missing."""
        # The fit's time and size as well: a database made again reuses version numbers.
        stamp = hashlib.sha256(f"{fitted_at.isoformat()}|{size}".encode()).hexdigest()[:8]
        path = self._cache_dir() / f"{self._cache_prefix()}{version}-{stamp}.joblib"
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # One writer per host: workers that mapped two copies of one version would each hold its pages.
        with open(path.parent / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not path.exists():
                    with self.engine.connect() as conn:
                        payload = conn.execute(sa.select(_models.c.payload)
                                               .where(_models.c.version == version)).scalar()
                    if payload is None:
                        raise LookupError(f"model version {version} is not stored (any more)")
                    save_bytes(payload, path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return path

    def clean_cache(self) -> list[Path]:
        """Delete this host's copies of versions no longer stored (a process mapping one keeps its pages
        until it lets it go) and temporaries of writes that died; returns the files deleted."""
        folder = self._cache_dir()
        if not folder.is_dir():
            return []
        stored = {str(v) for v in self.versions()}
        prefix = self._cache_prefix()
        removed = remove_stale_temporaries(folder)
        for path in folder.glob(f"{prefix}*.joblib"):
            if path.name[len(prefix):].split("-", 1)[0] not in stored:
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    def publish(self, model: SkillMatcher, *, started_at: datetime, until: datetime, employees: int, needs: int,
                seconds: float, data_fingerprint: str) -> VersionInfo:
        """Store a fitted model as the newest version (its file first, then its row); returns the row."""
        location = payload = None
        if self.directory is not None:
            # A name of its own per refit: the row's version is known only once it is inserted.
            location = f"{FILE_PREFIX}{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.joblib"
            save_model(model, self.directory / location, data_fingerprint=data_fingerprint)
            size = (self.directory / location).stat().st_size
        else:
            payload = model_bytes(model, data_fingerprint=data_fingerprint)
            size = len(payload)
        try:
            # An ORM flush: a write of this process, which its indexes notice at once (`local_writes`).
            with Session(self.engine) as session, session.begin():
                row = MatchModel(started_at=started_at, until=until, fitted_at=utcnow(), employees=employees,
                                 needs=needs, seconds=seconds, size_bytes=size, library=library_json(),
                                 model_format=MODEL_FORMAT, location=location, payload=payload)
                session.add(row)
                session.flush()
                version = row.version
        except BaseException:
            if location is not None:
                (self.directory / location).unlink(missing_ok=True)
            raise
        return self.info(version)

    def prune(self, keep: int = 2) -> list[int]:
        """Drop every version but the newest `keep` (rows and files); returns the versions dropped.

        A process still using a dropped version keeps it mapped (its pages stay until it lets it go); it
        follows the newest one anyway.
        """
        with self.engine.begin() as conn:
            newest = conn.execute(sa.select(_models.c.version).order_by(_models.c.version.desc())
                                  .limit(keep)).scalars().all()
            old = conn.execute(sa.select(_models.c.version, _models.c.location)
                               .where(_models.c.version.not_in(newest) if newest else sa.true())).all()
            if old:
                conn.execute(_models.delete().where(_models.c.version.in_([r.version for r in old])))
        for row in old:
            if row.location is not None and self.directory is not None:
                (self.directory / row.location).unlink(missing_ok=True)
        if self.directory is not None and self.directory.is_dir():
            remove_stale_temporaries(self.directory)  # of refits killed while writing
        self.clean_cache()
        return [r.version for r in old]


# ------------------------------------------------------------------------------------ the refit lock
def holder_name() -> str:
    """This process, as the lock names its holder: host, process id and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def _ensure_lock_row(conn: Connection) -> None:
    if conn.execute(sa.select(_lock.c.id).where(_lock.c.id == 1)).first() is None:
        try:
            with conn.begin_nested():
                conn.execute(_lock.insert().values(id=1, pending=False, pending_forget=False))
        except IntegrityError:  # another process made it at the same moment
            pass


def try_lock(engine: Engine, holder: str) -> bool:
    """Take the refit lock for `holder` when nobody holds it (or the holder's lease ran out)."""
    now = utcnow()
    with engine.begin() as conn:
        _ensure_lock_row(conn)
        taken = conn.execute(_lock.update().where(
            _lock.c.id == 1, sa.or_(_lock.c.holder.is_(None), _lock.c.lease_until < now)
        ).values(holder=holder, lease_until=now + LEASE))
        return taken.rowcount == 1


def ask_holder_again(engine: Engine, *, forget: bool) -> bool:
    """Ask the process that holds the lock for one more refit after its own; False when nobody holds it."""
    with engine.begin() as conn:
        asked = conn.execute(_lock.update().where(
            _lock.c.id == 1, _lock.c.holder.is_not(None), _lock.c.lease_until >= utcnow()
        ).values(pending=True, pending_forget=sa.or_(_lock.c.pending_forget, sa.literal(forget))))
        return asked.rowcount == 1


def take_pending(engine: Engine, holder: str) -> tuple[bool, bool]:
    """While holding the lock: (whether another refit was asked for, whether it must forget); clears both."""
    with engine.begin() as conn:
        while True:
            row = conn.execute(sa.select(_lock.c.holder, _lock.c.pending, _lock.c.pending_forget)
                               .where(_lock.c.id == 1)).first()
            if row is None or row.holder != holder or not row.pending:
                return False, False
            # Conditional on what was read: an asker that set `pending_forget` meanwhile is not lost.
            taken = conn.execute(_lock.update().where(
                _lock.c.id == 1, _lock.c.holder == holder, _lock.c.pending == sa.true(),
                _lock.c.pending_forget == (sa.true() if row.pending_forget else sa.false()),
            ).values(pending=False, pending_forget=False))
            if taken.rowcount == 1:
                return True, bool(row.pending_forget)


def unlock(engine: Engine, holder: str, *, unless_pending: bool) -> bool:
    """Hand the lock back; with `unless_pending`, only when no refit was asked for meanwhile (returns
    False then: the holder refits again, see `take_pending`)."""
    with engine.begin() as conn:
        conditions = [_lock.c.id == 1, _lock.c.holder == holder]
        if unless_pending:
            conditions.append(_lock.c.pending == sa.false())
        freed = conn.execute(_lock.update().where(*conditions).values(holder=None, lease_until=None))
        return freed.rowcount == 1 or not unless_pending


def lock_holder(engine: Engine) -> str | None:
    """Who refits now (None: nobody, or a holder whose lease ran out)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(_lock.c.holder, _lock.c.lease_until).where(_lock.c.id == 1)).first()
    if row is None or row.holder is None or row.lease_until < utcnow():
        return None
    return row.holder
