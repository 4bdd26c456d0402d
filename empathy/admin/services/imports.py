"""Bulk import of employees from an HR system's CSV export: checked whole, written whole."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from empathy.accounts.services.activation import queue_activation_mails
from empathy.admin.services.imports_check import (
    COLUMNS,
    MAX_ROWS,
    Checker,
    ImportIssue,
    Row,
    count_rows,
    decode_csv,
    read_rows,
)
from empathy.core import audit
from empathy.core.db import begin_write, bulk_insert, retrying, utcnow
from empathy.core.errors import Conflict, ServiceError
from empathy.core.text import fold
from empathy.models import EmployeeProfile, EmployeeSkill, User
from empathy.models.profile_schemas import MAX_SKILL_ROWS
from empathy.profiles.taxonomy import resolve_or_create_skill, skill_index

__all__ = ["COLUMNS", "IMPORT_LIMITS", "ImportIssue", "ImportReport", "Progress", "RowOutcome", "count_rows",
           "decode_csv", "import_employees"]
UI_LANGUAGES = ("en", "zh")
# Skills the taxonomy lacks that one import may add (each one waits for an administrator's review).
MAX_NEW_SKILLS = 100


@dataclass(frozen=True)
class ImportLimits:
    """What one file may hold, as the import page tells the administrator."""

    rows: int = MAX_ROWS
    skills: int = MAX_SKILL_ROWS
    new: int = MAX_NEW_SKILLS


IMPORT_LIMITS = ImportLimits()


@dataclass(frozen=True)
class NewAccount:
    """An account the import created, as its activation link and e-mail need it (no ORM object: thousands)."""

    id: int
    email: str
    display_name: str
    preferred_language: str | None
    created_at: datetime
    password_hash: str | None = None


@dataclass
class RowOutcome:
    line: int
    email: str
    name: str
    action: str  # created, updated or unchanged


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    new_skills: list[str] = field(default_factory=list)
    # (email, name, link) of every account created, for the admin to pass on.
    activation_links: list[tuple[str, str, str]] = field(default_factory=list)
    # The outbox rows of their activation e-mails (their delivery is queued when the import commits).
    mail_ids: list[int] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors


# progress(stage, rows): "checking" while the cells are read, then "writing" while rows are written.
Progress = Callable[[str, int], None]
WRITE_CHUNK = 1000  # rows per batch of INSERTs and UPDATEs (and per progress note while writing)


def _no_progress(_stage: str, _rows: int) -> None:
    pass


@retrying
def import_employees(
    *, session: Session, data: bytes, dry_run: bool, secret_key: str, base_url: str, actor_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a CSV of employees and, unless a dry run or any row is bad, create or update them all.

    Keyed by email (any case): importing the same file again changes nothing. New accounts get no
    password and an activation e-mail. All or nothing: the rows are written in one transaction, which
    commits once at the end, or not at all (a bad row, a refusal, any error).

    Two phases. Checking reads every cell and holds no lock (on SQLite other requests keep writing
    meanwhile). Writing starts a write transaction (`begin_write`), compares the rows with the database
    as it is now, and writes them with a few bulk INSERTs and UPDATEs per WRITE_CHUNK rows; skill names
    are looked up in one dict of every skill name (`skill_index`), not one query each. `progress(stage,
    rows)` is called every few hundred rows of each phase (it must not use `session`). Raises ServiceError
    (field `file`) for a problem of the whole file, Conflict when a concurrent change collides.
    """
    note = progress or _no_progress
    report = ImportReport(dry_run=dry_run)
    text = decode_csv(data)
    count_rows(text)  # a file too large, or with no usable header, is refused before any cell is checked
    rows = read_rows(text, Checker(session, report), report, progress=lambda n: note("checking", n))
    if report.errors:
        report.rows = []
        session.rollback()
        return report
    note("checking", len(rows))
    session.rollback()  # the check only read; the plan is made again from what is stored once writing starts
    if not dry_run:
        begin_write(session)
    plan = _Plan(session, rows)
    report.rows = [RowOutcome(r.line, r.email, r.name, plan.action(r)) for r in rows]
    report.new_skills = plan.new_skill_names()
    if len(report.new_skills) > MAX_NEW_SKILLS:
        session.rollback()
        raise ServiceError(str(_l(
            "The file names %(n)d skills that are not in the skill list; one import can add at most %(max)d. "
            "Add them to the skill list first, or correct their spelling.",
            n=len(report.new_skills), max=MAX_NEW_SKILLS)), field="file")
    if dry_run:
        session.rollback()
        return report
    try:
        created = plan.write(report.rows, progress=lambda n: note("writing", n))
        report.mail_ids, report.activation_links = queue_activation_mails(
            session, created, secret_key=secret_key, base_url=base_url)
        audit.record(session, actor_id=actor_id, action="employees_imported",
                     created=report.created, updated=report.updated)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(str(_l("Someone changed these accounts at the same time. "
                              "Nothing was imported; try again."))) from None
    return report


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


_USERS = User.__table__
_PROFILES = EmployeeProfile.__table__
_SKILLS = EmployeeSkill.__table__
PROFILE_FIELDS = ("department", "site_id", "languages", "causes", "bio")
_EMPTY = {"department": "", "site_id": None, "languages": [], "causes": [], "bio": ""}


class _Plan:
    """What the rows change, compared with the database as stored; and the writing of it in bulk."""

    def __init__(self, session: Session, rows: list[Row]):
        self.session = session
        self.rows = rows
        self.users: dict[str, dict] = {}  # email -> {id, display_name}
        for chunk in _chunks([r.email for r in rows]):
            found = session.execute(sa.select(_USERS.c.id, _USERS.c.email, _USERS.c.display_name)
                                    .where(_USERS.c.email.in_(chunk))).mappings()
            self.users.update({u["email"]: dict(u) for u in found})
        self.profiles: dict[int, dict] = {}  # user id -> the profile's id and PROFILE_FIELDS
        columns = [_PROFILES.c.id, _PROFILES.c.user_id, *(_PROFILES.c[name] for name in PROFILE_FIELDS)]
        for chunk in _chunks([u["id"] for u in self.users.values()]):
            found = session.execute(sa.select(*columns).where(_PROFILES.c.user_id.in_(chunk))).mappings()
            self.profiles.update({p["user_id"]: dict(p) for p in found})
        self.skills: dict[int, dict[int, tuple[int, int]]] = {}  # profile id -> skill id -> (row id, level)
        for chunk in _chunks([p["id"] for p in self.profiles.values()]):
            found = session.execute(sa.select(_SKILLS.c.id, _SKILLS.c.profile_id, _SKILLS.c.skill_id, _SKILLS.c.level)
                                    .where(_SKILLS.c.profile_id.in_(chunk)))
            for es_id, profile_id, skill_id, level in found:
                self.skills.setdefault(profile_id, {})[skill_id] = (es_id, level)
        self.index = skill_index(session)  # every folded skill name -> skill id
        self.new: dict[str, str] = {}  # folded name -> the name as first written, for skills the list lacks

    def _skill_id(self, text: str):
        """The id of a known skill, or "new:<key>" for one the import would add."""
        key = fold(text)
        found = self.index.get(key)
        if found is not None:
            return found
        self.new.setdefault(key, text)
        return f"new:{key}"

    def new_skill_names(self) -> list[str]:
        return sorted(self.new.values())

    def _wanted_skills(self, row: Row) -> dict:
        wanted: dict = {}
        for text, level in row.skills or []:
            sid = self._skill_id(text)
            wanted[sid] = max(level, wanted.get(sid, 0))
        return wanted

    @staticmethod
    def _profile_changes(row: Row, profile: dict) -> dict:
        changes = {}
        for name in PROFILE_FIELDS:
            value = getattr(row, name)
            if value is not None and profile.get(name) != value:
                changes[name] = value
        return changes

    def action(self, row: Row) -> str:
        user = self.users.get(row.email)
        wanted = self._wanted_skills(row)
        if user is None:
            return "created"
        profile = self.profiles.get(user["id"])
        if profile is None or user["display_name"] != row.name or self._profile_changes(row, profile):
            return "updated"
        have = self.skills.get(profile["id"], {})
        if any(sid not in have or have[sid][1] != level for sid, level in wanted.items()):
            return "updated"
        return "unchanged"

    def write(self, outcomes: list[RowOutcome], *, progress: Callable[[int], None]) -> list[NewAccount]:
        """Write every created or updated row, WRITE_CHUNK rows per batch; returns the new users (not in the
        session: ids, emails, names and creation times, for their activation links). The caller commits."""
        for key, text in self.new.items():  # at most MAX_NEW_SKILLS; each may race with another writer
            self.index[key] = resolve_or_create_skill(self.session, text).id
        now = utcnow()
        todo = [row for row, outcome in zip(self.rows, outcomes) if outcome.action != "unchanged"]
        created: list[NewAccount] = []
        for done, chunk in enumerate(_chunks(todo, WRITE_CHUNK)):
            created += self._write_users(chunk, now)
            self._write_profiles(chunk, now)
            self._write_skills(chunk)
            progress(min((done + 1) * WRITE_CHUNK, len(todo)))
        return created

    def _write_users(self, rows: list[Row], now) -> list[NewAccount]:
        new = [r for r in rows if r.email not in self.users]
        created: list[NewAccount] = []
        if new:
            values = [{"email": r.email, "display_name": r.name, "role": "employee", "password_hash": None,
                       "preferred_language": next((c for c in r.languages or [] if c in UI_LANGUAGES), None),
                       "active": True, "created_at": now, "updated_at": now} for r in new]
            ids = dict(bulk_insert(self.session, _USERS, values, returning=("email", "id")))
            for value in values:
                self.users[value["email"]] = {"id": ids[value["email"]], "display_name": value["display_name"]}
                created.append(NewAccount(ids[value["email"]], value["email"], value["display_name"],
                                          value["preferred_language"], now))
        renamed = [{"b_id": self.users[r.email]["id"], "b_name": r.name} for r in rows
                   if r.email in self.users and self.users[r.email]["display_name"] != r.name]
        if renamed:
            self.session.execute(sa.update(_USERS).where(_USERS.c.id == sa.bindparam("b_id"))
                                 .values(display_name=sa.bindparam("b_name"), updated_at=now), renamed)
            for r in rows:
                self.users[r.email]["display_name"] = r.name
        return created

    def _write_profiles(self, rows: list[Row], now) -> None:
        inserts, updates = [], []
        for row in rows:
            user_id = self.users[row.email]["id"]
            profile = self.profiles.get(user_id)
            merged = dict(_EMPTY if profile is None else {name: profile[name] for name in PROFILE_FIELDS})
            merged.update(self._profile_changes(row, profile or _EMPTY))
            merged = {name: list(value) if isinstance(value, list) else value for name, value in merged.items()}
            if profile is None:
                inserts.append({"user_id": user_id, **merged, "created_at": now, "updated_at": now})
            else:
                # Every updated row moves the profile's updated_at, skills only or not: the matcher re-reads it.
                updates.append({"b_id": profile["id"], **{f"b_{name}": merged[name] for name in PROFILE_FIELDS}})
                profile.update(merged)
        if inserts:
            by_user = {value["user_id"]: value for value in inserts}
            for user_id, profile_id in bulk_insert(self.session, _PROFILES, inserts, returning=("user_id", "id")):
                self.profiles[user_id] = {"id": profile_id, "user_id": user_id,
                                          **{name: by_user[user_id][name] for name in PROFILE_FIELDS}}
        if updates:
            self.session.execute(
                sa.update(_PROFILES).where(_PROFILES.c.id == sa.bindparam("b_id"))
                .values(**{name: sa.bindparam(f"b_{name}", type_=_PROFILES.c[name].type) for name in PROFILE_FIELDS},
                        updated_at=now), updates)

    def _write_skills(self, rows: list[Row]) -> None:
        inserts, updates = [], []
        for row in rows:
            profile_id = self.profiles[self.users[row.email]["id"]]["id"]
            have = self.skills.setdefault(profile_id, {})
            wanted: dict[int, int] = {}
            for text, level in row.skills or []:
                skill_id = self.index[fold(text)]
                wanted[skill_id] = max(level, wanted.get(skill_id, 0))
            for skill_id, level in wanted.items():
                existing = have.get(skill_id)
                if existing is None:
                    inserts.append({"profile_id": profile_id, "skill_id": skill_id, "level": level})
                    have[skill_id] = (0, level)
                elif existing[1] != level:
                    updates.append({"b_id": existing[0], "b_level": level})
                    have[skill_id] = (existing[0], level)
        if inserts:
            bulk_insert(self.session, _SKILLS, inserts)
        if updates:
            self.session.execute(sa.update(_SKILLS).where(_SKILLS.c.id == sa.bindparam("b_id"))
                                 .values(level=sa.bindparam("b_level")), updates)
