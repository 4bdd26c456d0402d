"""Administrators: import employees from an HR system's CSV, list users, list the outbox."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_openapi3 import RawModel

from empathy.admin import schemas as s
from empathy.admin.services import import_jobs, imports, outbox
from empathy.admin.services import users as admin
from empathy.admin.tasks import run_import
from empathy.api import PREFIX, answers, bp, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.tags import ADMIN
from empathy.core.db import get_session
from empathy.core.queue import enqueue, read_note
from empathy.core.runtime import import_link_keys


class CsvBody(RawModel):
    mimetypes = ["text/csv"]


@bp.post("/admin/employees/import", tags=[ADMIN], security=BEARER,
         responses={**answers(200, s.ImportOut), 202: s.ImportJobOut})
@roles("admin")
def import_employees(query: s.ImportQuery, raw: CsvBody):
    """Create or update employees from a CSV export (columns as on the import page); `dry_run=1` only checks.

    A file of at most 200 rows is imported at once: 200 with the report. A larger one is handed to a worker:
    202 with the job and its `Location` (GET /admin/imports/{job_id}); poll it until `state` is done or
    failed. All or nothing either way. At most 5 MB and 10,000 employees per file, 50 skills per employee and
    100 skills the list lacks."""
    data = request.get_data()
    if imports.count_rows(imports.decode_csv(data)) > import_jobs.SYNC_ROWS:
        job = import_jobs.start_import(session=get_session(), data=data, filename="", dry_run=query.dry_run,
                                       actor_id=caller().id, language=str(get_locale() or "en"))
        try:
            enqueue(run_import, job.id)
        except Exception:
            current_app.logger.exception("could not queue import %s", job.id)
            import_jobs.fail_unqueued(session=get_session(), job_id=job.id)
        status = import_jobs.job_status(session=get_session(), job_id=job.id,
                                        live=read_note(import_jobs.progress_note_name(job.id)))
        response = ok(s.import_job_out(status, None), 202)
        response.headers["Location"] = f"{PREFIX}/admin/imports/{job.id}"
        return response
    report = imports.import_employees(session=get_session(), data=data, dry_run=query.dry_run,
                                      secret_key=current_app.config["SECRET_KEY"],
                                      base_url=current_app.config["BASE_URL"], actor_id=caller().id)
    return ok(s.import_out(report))


@bp.get("/admin/imports/<int:job_id>", tags=[ADMIN], security=BEARER, responses=answers(200, s.ImportJobOut))
@roles("admin")
def get_import(path: s.ImportJobPath):
    """An import handed to a worker: its `state` (queued, running, done, failed), `progress`, report and, for
    the caller who started it, the new accounts' activation links (in one answer only: then deleted)."""
    session = get_session()
    status = import_jobs.job_status(session=session, job_id=path.job_id,
                                    live=read_note(import_jobs.progress_note_name(path.job_id)))
    links = None
    if status.finished:
        links = import_jobs.take_links(session=session, job=status.job, viewer_id=caller().id,
                                       keys=import_link_keys())
    return ok(s.import_job_out(status, links))


@bp.get("/admin/users", tags=[ADMIN], security=BEARER, responses=answers(200, s.UserList))
@roles("admin")
def list_users(query: s.UserQuery):
    """Users whose name or email contains `q`, newest first."""
    page = admin.list_users(session=get_session(), query=query.q, role=query.role, page=query.page,
                            per_page=query.per_page)
    return ok(s.UserList(items=[s.admin_user_out(u) for u in page.items], total=page.total,
                         page=page.page, per_page=page.per_page))


@bp.get("/admin/outbox", tags=[ADMIN], security=BEARER, responses=answers(200, s.OutboxList))
@roles("admin")
def list_outbox(query: s.OutboxQuery):
    """The outbox, newest first: every e-mail with its state (queued, sending, sent, logged: kept because no
    mail server is configured, failed), attempts and last error; `status` keeps one state."""
    page = outbox.list_outbox(session=get_session(), status=query.status, page=query.page, per_page=query.per_page)
    return ok(s.OutboxList(items=[s.OutboxMessageOut.model_validate(m, from_attributes=True) for m in page.items],
                           total=page.total, page=page.page, per_page=page.per_page))
