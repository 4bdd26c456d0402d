"""Bulk import of employees from an HR system's CSV export: checked whole, written whole."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.accounts.services.activation import queue_activation_mail
from empathy.admin.services.imports_check import (
    COLUMNS,
    MAX_ROWS,
    Checker,
    ImportIssue,
    Row,
    decode_csv,
    read_rows,
)
from empathy.core import audit
from empathy.core.db import begin_write, retrying, utcnow
from empathy.core.errors import Conflict, ServiceError
from empathy.core.text import fold
from empathy.models import EmployeeProfile, EmployeeSkill, User
from empathy.models.profile_schemas import MAX_SKILL_ROWS
from empathy.profiles.taxonomy import find_skill, resolve_or_create_skill

__all__ = ["COLUMNS", "IMPORT_LIMITS", "ImportIssue", "ImportReport", "RowOutcome", "decode_csv", "import_employees"]
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


@retrying
def import_employees(
    *, session: Session, data: bytes, dry_run: bool, secret_key: str, base_url: str, actor_id: int | None = None
) -> ImportReport:
    """Check a CSV of employees and, unless a dry run or any row is bad, create or update them all.

    Keyed by email (any case): importing the same file again changes nothing. New
    accounts get no password and an activation e-mail. Commits once, or not at all.
    """
    report = ImportReport(dry_run=dry_run)
    text = decode_csv(data)
    if not dry_run:
        begin_write(session)
    rows = read_rows(text, Checker(session, report), report)
    if report.errors:
        report.rows = []
        session.rollback()
        return report
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
        for row, outcome in zip(rows, report.rows):
            if outcome.action == "created":
                user = plan.create(row)
                url = queue_activation_mail(session, user, secret_key=secret_key, base_url=base_url)
                report.activation_links.append((user.email, user.display_name, url))
            elif outcome.action == "updated":
                plan.update(row)
        audit.record(session, actor_id=actor_id, action="employees_imported",
                     created=sum(o.action == "created" for o in report.rows),
                     updated=sum(o.action == "updated" for o in report.rows))
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(str(_l("Someone changed these accounts at the same time. "
                              "Nothing was imported; try again."))) from None
    return report


class _Plan:
    """What the rows change, compared with the database; and the writing of it."""

    def __init__(self, session: Session, rows: list[Row]):
        self.session = session
        emails = [r.email for r in rows]
        self.users: dict[str, User] = {}
        for start in range(0, len(emails), 500):
            chunk = emails[start:start + 500]
            self.users.update({u.email: u for u in session.exec(select(User).where(User.email.in_(chunk))).all()})
        ids = [u.id for u in self.users.values()]
        self.profiles = {p.user_id: p for p in self._in(EmployeeProfile, EmployeeProfile.user_id, ids)}
        self.skills: dict[int, dict[int, EmployeeSkill]] = {}
        for es in self._in(EmployeeSkill, EmployeeSkill.profile_id, [p.id for p in self.profiles.values()]):
            self.skills.setdefault(es.profile_id, {})[es.skill_id] = es
        self.found: dict[str, object] = {}

    def _in(self, model, column, ids):
        result = []
        for start in range(0, len(ids), 500):
            result.extend(self.session.exec(select(model).where(column.in_(ids[start:start + 500]))).all())
        return result

    def _skill_id(self, text: str):
        """The id of a known skill, or "new:<name>" for one the import would add."""
        wanted = fold(text)
        if wanted not in self.found:
            skill = find_skill(self.session, text)
            self.found[wanted] = skill.id if skill else f"new:{text}"
        return self.found[wanted]

    def new_skill_names(self) -> list[str]:
        return sorted({k[4:] for k in self.found.values() if isinstance(k, str)})

    def _wanted_skills(self, row: Row) -> dict:
        wanted: dict = {}
        for text, level in row.skills or []:
            sid = self._skill_id(text)
            wanted[sid] = max(level, wanted.get(sid, 0))
        return wanted

    def _profile_changes(self, row: Row, profile: EmployeeProfile) -> dict:
        changes = {}
        for name in ("department", "site_id", "languages", "causes", "bio"):
            value = getattr(row, name)
            if value is not None and getattr(profile, name) != value:
                changes[name] = value
        return changes

    def action(self, row: Row) -> str:
        user = self.users.get(row.email)
        wanted = self._wanted_skills(row)
        if user is None:
            return "created"
        profile = self.profiles.get(user.id)
        if profile is None or user.display_name != row.name or self._profile_changes(row, profile):
            return "updated"
        have = self.skills.get(profile.id, {})
        if any(sid not in have or have[sid].level != level for sid, level in wanted.items()):
            return "updated"
        return "unchanged"

    def create(self, row: Row) -> User:
        language = next((c for c in row.languages or [] if c in UI_LANGUAGES), None)
        user = User(email=row.email, display_name=row.name, role="employee", password_hash=None,
                    preferred_language=language)
        self.session.add(user)
        self.session.flush()
        self.users[row.email] = user
        self.update(row)
        return user

    def update(self, row: Row) -> None:
        user = self.users[row.email]
        user.display_name = row.name
        self.session.add(user)
        profile = self.profiles.get(user.id)
        if profile is None:
            profile = self.profiles[user.id] = EmployeeProfile(user_id=user.id)
        for name, value in self._profile_changes(row, profile).items():
            setattr(profile, name, list(value) if isinstance(value, list) else value)
        profile.updated_at = utcnow()
        self.session.add(profile)
        self.session.flush()
        have = self.skills.setdefault(profile.id, {})
        wanted: dict[int, int] = {}
        for text, level in row.skills or []:
            skill = resolve_or_create_skill(self.session, text)
            wanted[skill.id] = max(level, wanted.get(skill.id, 0))
        for skill_id, level in wanted.items():
            existing = have.get(skill_id)
            if existing is None:
                have[skill_id] = EmployeeSkill(profile_id=profile.id, skill_id=skill_id, level=level)
                self.session.add(have[skill_id])
            elif existing.level != level:
                existing.level = level
                self.session.add(existing)
        self.session.flush()
