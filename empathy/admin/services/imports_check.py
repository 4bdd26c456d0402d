"""Reading an employee CSV: decoding, columns, and every cell checked with its line number."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.errors import ServiceError
from empathy.core.text import fold, unquote_formula
from empathy.data import load_causes
from empathy.models import Site
from empathy.models.profile_schemas import LANGUAGES, MAX_BIO, MAX_DEPARTMENT, MAX_SKILL_NAME, MAX_SKILL_ROWS

if TYPE_CHECKING:  # imports.py imports this module
    from empathy.admin.services.imports import ImportReport

COLUMNS = ("email", "name", "department", "site", "skills", "languages", "causes", "bio")
REQUIRED = ("email", "name")
MAX_BYTES = 5 * 1024 * 1024
# One import is one transaction (and one activation e-mail per new account): larger files are split.
# 10,000 rows with 5 skills each take well under a minute on SQLite and PostgreSQL (benchmarks/bench_import.py).
MAX_ROWS = 10_000
MAX_NAME = 120
MAX_EMAIL = 254
DEFAULT_LEVEL = 2


@dataclass(frozen=True)
class ImportIssue:
    line: int
    field: str
    message: str


@dataclass
class Row:
    line: int
    email: str
    name: str
    # None means "leave as it is" (the column is missing or the cell empty).
    department: str | None = None
    site_id: int | None = None
    skills: list[tuple[str, int]] | None = None
    languages: list[str] | None = None
    causes: list[str] | None = None
    bio: str | None = None


def decode_csv(data: bytes) -> str:
    """The file's text: UTF-8 (BOM or not), else GB18030; ServiceError for anything else."""
    if len(data) > MAX_BYTES:
        raise ServiceError(str(_l("The file is larger than 5 MB. Split it into smaller files.")), field="file")
    if not data.strip():
        raise ServiceError(str(_l("The file is empty.")), field="file")
    if b"\x00" in data:
        raise ServiceError(str(_l("This is not a CSV text file. In Excel, use “Save as” and choose “CSV UTF-8”.")),
                           field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    raise ServiceError(str(_l("The file is neither UTF-8 nor GB18030 text. "
                              "In Excel, use “Save as” and choose “CSV UTF-8”.")), field="file")


def _cell(values: list[str], index: int | None) -> str:
    if index is None or index >= len(values):
        return ""
    return unquote_formula(values[index].strip())


def _split(text: str) -> list[str]:
    parts = re.split(r"[;,]", unicodedata.normalize("NFKC", text))
    return [" ".join(p.split()) for p in parts if p.strip()]


class Checker:
    """Turns CSV rows into Row values, collecting every problem with its line."""

    def __init__(self, session: Session, report: ImportReport):
        self.report = report
        self.sites: dict[str, Site] = {}
        for site in session.exec(select(Site).order_by(Site.id.desc())).all():
            for label in (site.name_zh, site.name_en, site.code):  # codes win over names
                self.sites[fold(label)] = site
        self.causes: dict[str, str] = {}
        for cause in load_causes():
            for label in (cause["zh"], cause["en"], cause["code"]):
                self.causes[fold(label)] = cause["code"]
        self.seen: dict[str, int] = {}

    def error(self, line: int, field: str, message) -> None:
        self.report.errors.append(ImportIssue(line, field, str(message)))

    def row(self, line: int, cells: dict[str, str]) -> Row | None:
        before = len(self.report.errors)
        email = cells["email"].lower()
        if not email:
            self.error(line, "email", _l("Enter an email address."))
        elif len(email) > MAX_EMAIL:
            self.error(line, "email", _l("Use at most %(n)d characters.", n=MAX_EMAIL))
        else:
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError:
                self.error(line, "email", _l("“%(value)s” is not a valid email address.", value=email))
            else:
                if email in self.seen:
                    self.error(line, "email", _l("This email is already on line %(line)d.", line=self.seen[email]))
                else:
                    self.seen[email] = line
        name = " ".join(cells["name"].split())
        if not name:
            self.error(line, "name", _l("Enter a name."))
        elif len(name) > MAX_NAME:
            self.error(line, "name", _l("Use at most %(n)d characters.", n=MAX_NAME))
        row = Row(line=line, email=email, name=name)
        for column, limit in (("department", MAX_DEPARTMENT), ("bio", MAX_BIO)):
            if cells.get(column):
                if len(cells[column]) > limit:
                    self.error(line, column, _l("Use at most %(n)d characters.", n=limit))
                setattr(row, column, cells[column])
        if cells.get("site"):
            site = self.sites.get(fold(cells["site"]))
            if site is None:
                self.error(line, "site", _l("Unknown site “%(value)s”. Use a site code or its English or Chinese name.",
                                            value=cells["site"]))
            elif not site.is_active:
                self.error(line, "site", _l("The site “%(value)s” is no longer active.", value=cells["site"]))
            else:
                row.site_id = site.id
        if cells.get("skills"):
            entries = _split_skills(cells["skills"])
            if len(entries) > MAX_SKILL_ROWS:  # the profile form and the API refuse more too
                self.error(line, "skills", _l("List at most %(n)d skills.", n=MAX_SKILL_ROWS))
            else:
                row.skills = [s for s in map(lambda e: self.skill(line, e), entries) if s]
        if cells.get("languages"):
            row.languages = list(dict.fromkeys(c.lower() for c in _split(cells["languages"])))
            for code in row.languages:
                if code not in LANGUAGES:
                    self.error(line, "languages", _l("Unknown language code “%(value)s”.", value=code))
        if cells.get("causes"):
            row.causes = []
            for text in _split(cells["causes"]):
                code = self.causes.get(fold(text))
                if code is None:
                    self.error(line, "causes", _l("Unknown cause “%(value)s”. Use one of: %(codes)s.",
                                                  value=text, codes=", ".join(c["code"] for c in load_causes())))
                elif code not in row.causes:
                    row.causes.append(code)
        return row if len(self.report.errors) == before else None

    def skill(self, line: int, entry: str) -> tuple[str, int] | None:
        name, level = entry, DEFAULT_LEVEL
        if ":" in entry:
            name, _, given = entry.rpartition(":")
            name = " ".join(name.split())
            if given.strip() not in ("1", "2", "3", "4"):  # not isdigit(): int("²") raises
                self.error(line, "skills", _l("“%(value)s”: the level must be a number from 1 to 4.", value=entry))
                return None
            level = int(given)
        if not name:
            self.error(line, "skills", _l("“%(value)s”: enter a skill name before the level.", value=entry))
            return None
        if len(name) > MAX_SKILL_NAME:
            self.error(line, "skills", _l("A skill name can have at most %(n)d characters.", n=MAX_SKILL_NAME))
            return None
        return name, level


def _split_skills(text: str) -> list[str]:
    parts = unicodedata.normalize("NFKC", text).split(";")
    return [" ".join(p.split()) for p in parts if p.strip()]


PROGRESS_EVERY = 250  # rows between two calls of a progress callback


def _columns(reader, report) -> dict[str, int | None]:
    """Each known column's index in the header row; ServiceError for a header the import cannot use."""
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise ServiceError(str(_l("The file is empty.")), field="file")
    names = [fold(h) for h in header]
    for column in {n for n in names if n and names.count(n) > 1}:
        raise ServiceError(str(_l("The column “%(name)s” appears twice.", name=column)), field="file")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ServiceError(str(_l(
            "The file lacks the required column(s): %(missing)s. "
            "The first row must name the columns, e.g. %(columns)s.",
            missing=", ".join(missing), columns=",".join(COLUMNS))), field="file")
    if report is not None:
        for raw, name in zip(header, names):
            if name not in COLUMNS:
                report.warnings.append(ImportIssue(1, raw.strip(), str(_l("This column is not known and is ignored."))))
    return {c: names.index(c) if c in names else None for c in COLUMNS} | {"": len(header)}


def _too_many() -> ServiceError:
    return ServiceError(str(_l("The file has more than %(n)d employees. Split it into smaller files.", n=MAX_ROWS)),
                        field="file")


def _unreadable(reader, exc: csv.Error) -> ServiceError:
    return ServiceError(str(_l("Line %(line)d cannot be read as CSV: %(reason)s",
                               line=reader.line_num, reason=str(exc))), field="file")


def count_rows(text: str) -> int:
    """How many employees (non-empty rows) the file holds, after checking its header and size only.

    Raises the file-level ServiceErrors of `read_rows` (no usable header, too many rows, no rows, not
    CSV); the cells are checked later, by `read_rows`. About 20 ms for 10,000 rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    count = 0
    try:
        _columns(reader, None)
        for values in reader:
            if any(v.strip() for v in values):
                count += 1
                if count > MAX_ROWS:
                    raise _too_many()
    except csv.Error as exc:
        raise _unreadable(reader, exc) from None
    if not count:
        raise ServiceError(str(_l("The file has a header row but no employees.")), field="file")
    return count


def read_rows(text: str, checker: Checker, report, *, progress: Callable[[int], None] | None = None) -> list[Row]:
    """The file's rows as Row values; each bad cell is added to `report.errors` with its line.

    `progress(rows_read)` is called every PROGRESS_EVERY rows. Raises ServiceError (field `file`) for a
    problem of the whole file."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        index = _columns(reader, report)
        width = index.pop("")
        rows, line = [], reader.line_num + 1
        count = 0
        for values in reader:
            if any(v.strip() for v in values):
                count += 1
                if count > MAX_ROWS:
                    raise _too_many()
                if len(values) > width:
                    report.warnings.append(
                        ImportIssue(line, "", str(_l("More cells than columns: the extra cells are ignored."))))
                row = checker.row(line, {c: _cell(values, i) for c, i in index.items()})
                if row is not None:
                    rows.append(row)
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(count)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise _unreadable(reader, exc) from None
    if not rows and not report.errors:
        raise ServiceError(str(_l("The file has a header row but no employees.")), field="file")
    return rows
