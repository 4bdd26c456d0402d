"""Employee imports as queue tasks: the upload is stored as a job, a worker runs it, the page polls it.

How a job stays all-or-nothing and still shows its progress
-----------------------------------------------------------
`import_employees` runs in two phases. *Checking* reads every cell and holds no lock. *Writing* is one
database transaction (`begin_write`: BEGIN IMMEDIATE on SQLite) that compares the rows with the database
as it is then and writes them all with bulk statements, committed once at the end: a bad row, a refusal,
a worker that dies or any error leaves nothing written, and the job `failed` with the reasons.

Progress must be visible while that transaction is open, and on SQLite it holds the database's only
write lock: an UPDATE of the job row from a second connection would wait for the import to end (and a
savepoint per chunk would not release the lock either). So the live progress never goes through the
app's database: the worker writes it as a *note in the queue's own storage* (empathy.core.queue.put_note:
the SQLite queue file, or Redis), which takes no lock of the app's database and is read at once by every
web process of the installation. The job row itself changes only in short transactions of its own, at the
edges: queued -> running (a compare-and-set, so two workers never run one job), then running -> done or
failed with the report and the progress of the end. A status read is the row plus the note.

The activation links of the new accounts are kept with the job for the administrator who started it,
sealed with a key kept out of the database (empathy.core.crypto.KeyRing, purpose IMPORT_LINKS_PURPOSE), for at
most LINKS_KEEP after the import ends; they are deleted when the administrator who saw them leaves the page
or dismisses them (the API: once retrieved). Old jobs go after KEEP_JOBS.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from empathy.admin.services.imports import (
    ImportIssue,
    ImportReport,
    RowOutcome,
    count_rows,
    decode_csv,
    import_employees,
)
from empathy.core.crypto import KeyRing, KeyRingError
from empathy.core.db import begin_write, compare_and_set, retrying, utcnow
from empathy.core.errors import NotFound, ServiceError
from empathy.models import ImportJob

log = logging.getLogger(__name__)

# The API imports a file of at most this many rows in the request itself and answers 200 at once (about a
# second); a larger one becomes a job (202 and a Location to poll). The web page always makes a job.
SYNC_ROWS = 200
LINKS_KEEP = timedelta(minutes=30)
KEEP_JOBS = timedelta(days=30)
# A job still `running` after this long lost its worker (stopped, killed): it is marked failed.
STALLED = timedelta(hours=1)

Note = Callable[[dict | None], None]  # the live progress of a running job, None when it ends


def progress_note_name(job_id: int) -> str:
    """The name of a job's live progress note in the queue's storage."""
    return f"import-progress:{job_id}"


@dataclass(frozen=True)
class JobStatus:
    """Where a job is: `stage` is waiting, checking, writing or finished; `done` of `total` rows."""

    job: ImportJob
    stage: str
    done: int
    total: int

    @property
    def state(self) -> str:
        return self.job.state

    @property
    def finished(self) -> bool:
        return self.job.state in ("done", "failed")

    @property
    def percent(self) -> int:
        """0-100 over both phases: checking is the first half, writing the second (a dry run only checks)."""
        if self.finished:
            return 100
        if not self.total:
            return 0
        halves = 1 if self.job.dry_run else 2
        base = self.total if self.stage == "writing" else 0
        return min(99, int(100 * (base + self.done) / (halves * self.total)))


# ----------------------------------------------------------------------------- reports as JSON
def report_to_json(report: ImportReport) -> dict:
    """An ImportReport as the job keeps it (without its links)."""
    def issues(items):
        return [{"line": i.line, "field": i.field, "message": str(i.message)} for i in items]

    return {"dry_run": report.dry_run, "errors": issues(report.errors), "warnings": issues(report.warnings),
            "rows": [[r.line, r.email, r.name, r.action] for r in report.rows],
            "new_skills": list(report.new_skills), "message": None}


def report_of(job: ImportJob) -> ImportReport | None:
    """The job's report as an ImportReport (no links), or None while it runs or when it failed as a whole."""
    data = job.report or {}
    if "rows" not in data:
        return None
    report = ImportReport(dry_run=bool(data.get("dry_run")))
    report.errors = [ImportIssue(**i) for i in data.get("errors", [])]
    report.warnings = [ImportIssue(**i) for i in data.get("warnings", [])]
    report.rows = [RowOutcome(*r) for r in data.get("rows", [])]
    report.new_skills = list(data.get("new_skills", []))
    return report


def failure_of(job: ImportJob) -> str | None:
    """Why the whole job failed (a problem of the file, a worker that stopped), or None."""
    return (job.report or {}).get("message")


# ----------------------------------------------------------------------------- the upload
def start_import(*, session: Session, data: bytes, filename: str, dry_run: bool, actor_id: int,
                 language: str) -> ImportJob:
    """Store an uploaded CSV as a queued job (the caller then queues `run_import_job` for its id). Commits.

    The file's encoding, header and row count are checked now (ServiceError, field `file`, for a file the
    import cannot read: the same messages as the import's); its cells are checked by the worker."""
    total = count_rows(decode_csv(data))
    job = ImportJob(dry_run=dry_run, filename=(filename or "")[:255], language=language or "en", content=data,
                    rows_total=total, created_by=actor_id)
    begin_write(session)  # a writer from the start: SQLite refuses a read transaction that turns writer under load
    session.add(job)
    session.commit()
    return job


def get_job(*, session: Session, job_id: int) -> ImportJob:
    """The job, as stored now; NotFound when there is none."""
    job = session.get(ImportJob, job_id, populate_existing=True)
    if job is None:
        raise NotFound(str(_l("There is no such import.")))
    return job


@retrying
def fail_unqueued(*, session: Session, job_id: int) -> None:
    """Mark a job failed whose task could not be queued (the queue's storage is unreachable). Commits."""
    begin_write(session)
    _finish(session, job_id, "failed", {"message": str(_l(
        "The import could not be handed to a worker: the task queue cannot be reached. "
        "Nothing was imported; try again later."))})
    session.commit()


# ----------------------------------------------------------------------------- the worker's part
@dataclass
class JobOutcome:
    """What a run did: the job as stored at its end (None when there is no such job)."""

    job: ImportJob | None


def run_import_job(*, session: Session, job_id: int, secret_key: str, base_url: str, keys: KeyRing,
                   note: Note) -> JobOutcome:
    """Run a queued job to its end: claim it, import (all or nothing), store the report and sealed links.

    A job that is not `queued` any more (another worker took it, it was run already) is left alone. Never
    raises for a problem of the file or the rows (the job fails with the reasons); an unexpected error is
    logged and fails the job too. `note(progress)` receives the live progress ({"stage", "done"}), and None
    at the end."""
    job = session.get(ImportJob, job_id)
    if job is None or not _claim(session=session, job=job):
        return JobOutcome(job)
    data, language = job.content or b"", job.language

    def progress(stage: str, rows: int) -> None:
        note({"stage": stage, "done": rows})

    state, report, links = "failed", None, []
    with force_locale(language):
        try:
            result = import_employees(session=session, data=data, dry_run=job.dry_run, secret_key=secret_key,
                                      base_url=base_url, actor_id=job.created_by, progress=progress)
        except ServiceError as exc:
            report = {"message": exc.message}
        except Exception:
            log.exception("import job %s failed", job_id)
            session.rollback()
            report = {"message": str(_l("The import stopped on an unexpected error. Nothing was imported; "
                                        "try again, and tell the people who run Empathy if it happens again."))}
        else:
            report = report_to_json(result)
            state = "failed" if result.errors else "done"
            links = result.activation_links
    sealed = _seal(keys, links) if links else None  # None when no key can seal them: the Users page has each
    _store_result(session=session, job_id=job_id, state=state, report=report, sealed=sealed)
    note(None)
    return JobOutcome(session.get(ImportJob, job_id))


@retrying
def _claim(*, session: Session, job: ImportJob) -> bool:
    begin_write(session)
    claimed = compare_and_set(session, job, ImportJob.state == "queued", state="running", started_at=utcnow())
    session.commit()
    return claimed


def _seal(keys: KeyRing, links: list[tuple[str, str, str]]) -> str | None:
    try:
        if keys.is_file:
            keys.create()  # the first sealing of an installation makes the key file (as two-factor sign-in does)
        return keys.seal(json.dumps(links, ensure_ascii=False))
    except KeyRingError:
        log.warning("the activation links of an import cannot be sealed (no usable key); they are not kept",
                    exc_info=True)
        return None


def _finish(session: Session, job_id: int, state: str, report: dict, sealed: str | None = None) -> None:
    now = utcnow()
    job = session.get(ImportJob, job_id, populate_existing=True)
    job.state, job.report, job.content, job.finished_at = state, report, None, now
    if state == "done":
        job.rows_done = job.rows_total
    job.links_sealed = sealed
    job.links_expire_at = now + LINKS_KEEP if sealed else None
    session.add(job)


@retrying
def _store_result(*, session: Session, job_id: int, state: str, report: dict, sealed: str | None) -> None:
    begin_write(session)
    _finish(session, job_id, state, report, sealed)
    session.commit()


# ----------------------------------------------------------------------------- status and links
def job_status(*, session: Session, job_id: int, live: dict | None) -> JobStatus:
    """The job with its progress: the live note of a running job (`live`, from `progress_note_name`) when
    there is one, else what the row says. NotFound when there is no such job."""
    job = get_job(session=session, job_id=job_id)
    if job.state in ("done", "failed"):
        return JobStatus(job, "finished", job.rows_done, job.rows_total)
    if job.state == "queued":
        return JobStatus(job, "waiting", 0, job.rows_total)
    live = live if isinstance(live, dict) else {}
    stage = live.get("stage") if live.get("stage") in ("checking", "writing") else "checking"
    done = live.get("done") if isinstance(live.get("done"), int) else job.rows_done
    return JobStatus(job, stage, min(max(done, 0), job.rows_total), job.rows_total)


def _open_links(job: ImportJob, keys: KeyRing, now: datetime) -> list[tuple[str, str, str]] | None:
    if not job.links_sealed or job.links_expire_at is None or job.links_expire_at <= now:
        return None
    try:
        return [tuple(link) for link in json.loads(keys.open(job.links_sealed))]
    except (KeyRingError, ValueError):
        log.warning("the activation links of import %s cannot be opened", job.id, exc_info=True)
        return None


def show_links(*, job: ImportJob, viewer_id: int, keys: KeyRing,
               now: datetime | None = None) -> list[tuple[str, str, str]]:
    """The (email, name, link) of the accounts the job created, for the administrator who started it (no
    one else: an empty list), until they are dismissed or expire. Reads only: the page that shows them
    writes nothing (its beacon deletes them when the administrator leaves)."""
    now = now or utcnow()
    if job.created_by != viewer_id:
        return []
    return _open_links(job, keys, now) or []


def take_links(*, session: Session, job: ImportJob, viewer_id: int, keys: KeyRing,
               now: datetime | None = None) -> list[tuple[str, str, str]] | None:
    """The links for the administrator who started the job, deleted as they are handed over (the API's
    "until retrieved"); None when there are none (any more) for this viewer. Commits."""
    now = now or utcnow()
    if job.created_by != viewer_id:
        return None
    links = _open_links(job, keys, now)
    if links is None:
        return None
    if not forget_links(session=session, job=job, viewer_id=viewer_id):
        return None  # another request took them first
    return links


@retrying
def forget_links(*, session: Session, job: ImportJob, viewer_id: int) -> bool:
    """Delete the job's links (the administrator left the page, or dismissed them); True when there were
    links and this call deleted them. Only the administrator who started the job can. Commits."""
    if job.created_by != viewer_id:
        return False
    begin_write(session)
    result = session.execute(sa.update(ImportJob).where(ImportJob.id == job.id, ImportJob.links_sealed.is_not(None))
                             .values(links_sealed=None, links_expire_at=None)
                             .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount == 1


# ----------------------------------------------------------------------------- housekeeping
@retrying
def prune_import_jobs(*, session: Session, now: datetime | None = None) -> dict[str, int]:
    """Delete expired links, fail jobs whose worker stopped (running for over STALLED), and delete jobs
    that ended more than KEEP_JOBS ago. Returns how many rows each step changed. Commits."""
    now = now or utcnow()
    begin_write(session)
    links = session.execute(sa.update(ImportJob).where(ImportJob.links_expire_at <= now)
                            .values(links_sealed=None, links_expire_at=None)
                            .execution_options(synchronize_session=False)).rowcount
    stalled = session.execute(
        sa.update(ImportJob).where(ImportJob.state == "running", ImportJob.started_at < now - STALLED)
        .values(state="failed", content=None, finished_at=now,
                report={"message": str(_l("The worker running this import stopped. Nothing was imported; "
                                          "upload the file again."))})
        .execution_options(synchronize_session=False)).rowcount
    old = session.execute(sa.delete(ImportJob).where(ImportJob.finished_at < now - KEEP_JOBS)
                          .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return {"links": links, "stalled": stalled, "deleted": old}
