"""The API's bodies for administration (the CSV import, users, the skill taxonomy, sites), and their presenters."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from empathy.accounts.schemas import UserOut, user_out
from empathy.admin.services.import_jobs import JobStatus, report_of
from empathy.admin.services.imports import ImportReport
from empathy.api.schemas import Id, Listing, Model, Out, Paging, Query, Str
from empathy.models import Site, User

# --- users and the import -----------------------------------------------------------------------


class AdminUserOut(UserOut):
    active: bool
    created_at: datetime


class UserList(Listing):
    items: list[AdminUserOut]


class UserQuery(Paging):
    q: Str = Field(default="", max_length=100)
    role: Literal["", "employee", "coordinator", "admin"] = ""


class OutboxQuery(Paging):
    status: Literal["", "queued", "sending", "sent", "logged", "failed"] = Field(
        default="", description="Only messages in this state (empty: all).")


class OutboxMessageOut(Out):
    id: int
    to_address: str
    subject: str
    kind: str
    status: Literal["queued", "sending", "sent", "logged", "failed"]
    attempts: int
    error: str | None = Field(description="The last failed attempt's error, as the mail server gave it.")
    next_attempt_at: datetime | None = Field(description="When a queued message is tried again.")
    created_at: datetime
    sent_at: datetime | None


class OutboxList(Listing):
    items: list[OutboxMessageOut]


class ImportQuery(Query):
    dry_run: bool = Field(default=False, description="Check the file and report, writing nothing.")


class ImportIssueOut(Out):
    line: int
    field: str
    message: str


class ImportRowOut(Out):
    line: int
    email: str
    name: str
    action: Literal["created", "updated", "unchanged"]


class ImportOut(Out):
    dry_run: bool
    written: bool
    created: int
    updated: int
    unchanged: int
    errors: list[ImportIssueOut]
    warnings: list[ImportIssueOut]
    rows: list[ImportRowOut]
    new_skills: list[str]


class ImportJobPath(Model):
    job_id: Id


class ImportProgressOut(Out):
    stage: Literal["waiting", "checking", "writing", "finished"] = Field(
        description="checking reads every cell; writing stores the rows in one transaction.")
    done: int = Field(description="Rows through the current stage.")
    total: int = Field(description="Rows in the file.")
    percent: int = Field(description="0-100 over both stages.")


class ActivationLinkOut(Out):
    email: str
    name: str
    url: str


class ImportJobOut(Out):
    """An import run by a worker. Poll it (its URL is the `Location` of the 202) until `state` is done or failed."""

    id: int
    state: Literal["queued", "running", "done", "failed"]
    dry_run: bool
    progress: ImportProgressOut
    report: ImportOut | None = Field(description="Once finished, unless the file as a whole was refused.")
    message: str | None = Field(description="Why the whole import failed (a problem of the file, a worker stopped).")
    activation_links: list[ActivationLinkOut] | None = Field(
        description="The new accounts' one-time links, for the caller who started the import: given once, in "
                    "the first answer after it is done, then deleted (null afterwards, and for other callers).")
    created_at: datetime
    finished_at: datetime | None


# --- path parameters and changes --------------------------------------------------------------


class UserPath(Model):
    user_id: Id


class SkillPath(Model):
    skill_id: Id


class SitePath(Model):
    site_id: Id


class UserPatch(Model):
    role: Literal["employee", "coordinator", "admin"] | None = None
    active: bool | None = None


class SkillIn(Model):
    name: Str = Field(min_length=1, max_length=120)
    label_en: Str = Field(default="", max_length=120)
    label_zh: Str = Field(default="", max_length=120)
    category: Str = Field(default="other", max_length=40)
    synonyms: list[Str] = Field(default_factory=list, max_length=50)
    related: list[Str] = Field(default_factory=list, max_length=30,
                               description="Names of related skills (partial credit in suggestions).")


class SkillPatch(Model):
    """Only the fields given change; `reviewed: true` accepts a typed-in skill."""

    name: Str | None = Field(default=None, min_length=1, max_length=120)
    label_en: Str | None = Field(default=None, max_length=120)
    label_zh: Str | None = Field(default=None, max_length=120)
    category: Str | None = Field(default=None, max_length=40)
    synonyms: list[Str] | None = Field(default=None, max_length=50)
    related: list[Str] | None = Field(default=None, max_length=30)
    reviewed: bool | None = None


class MergeIn(Model):
    into: Id = Field(description="The skill that stays; every use of this one moves onto it.")


class AdminSkillQuery(Paging):
    q: Str = Field(default="", max_length=100)
    review: bool = Field(default=False, description="Only skills waiting for review.")


class SiteIn(Model):
    code: Str = Field(min_length=1, max_length=60)
    name_en: Str = Field(min_length=1, max_length=120)
    name_zh: Str = Field(default="", max_length=120)


class SitePatch(Model):
    code: Str | None = Field(default=None, min_length=1, max_length=60)
    name_en: Str | None = Field(default=None, min_length=1, max_length=120)
    name_zh: Str | None = Field(default=None, max_length=120)
    active: bool | None = None


class SiteOut(Out):
    id: int
    code: str
    name_en: str
    name_zh: str
    active: bool


class SiteList(Listing):
    items: list[SiteOut]


# --- presenters: rows -> bodies -----------------------------------------------------------------


def admin_user_out(u: User) -> AdminUserOut:
    return AdminUserOut(**user_out(u).model_dump(), active=u.active, created_at=u.created_at)


def site_out(site: Site) -> SiteOut:
    return SiteOut(id=site.id, code=site.code, name_en=site.name_en, name_zh=site.name_zh or "",
                   active=bool(site.is_active))


def import_job_out(status: JobStatus, links: list[tuple[str, str, str]] | None) -> ImportJobOut:
    job = status.job
    report = report_of(job)
    return ImportJobOut(
        id=job.id, state=job.state, dry_run=job.dry_run,
        progress=ImportProgressOut(stage=status.stage, done=status.done, total=status.total, percent=status.percent),
        report=import_out(report, written=job.state == "done" and not job.dry_run) if report is not None else None,
        message=(job.report or {}).get("message"),
        activation_links=[ActivationLinkOut(email=e, name=n, url=u) for e, n, u in links] if links else None,
        created_at=job.created_at, finished_at=job.finished_at)


def import_out(report: ImportReport, *, written: bool | None = None) -> ImportOut:
    def issues(items) -> list[ImportIssueOut]:
        return [ImportIssueOut(line=i.line, field=i.field, message=str(i.message)) for i in items]

    return ImportOut(
        dry_run=report.dry_run, written=report.written if written is None else written,
        created=report.created, updated=report.updated,
        unchanged=report.unchanged, errors=issues(report.errors), warnings=issues(report.warnings),
        rows=[ImportRowOut(line=r.line, email=r.email, name=r.name, action=r.action) for r in report.rows],
        new_skills=list(report.new_skills))
