"""Bulk import of employees (a queue task with a progress page), and CSV exports."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from empathy.accounts.login import me
from empathy.admin.forms import ImportForm
from empathy.admin.services import exports, import_jobs
from empathy.admin.services.imports import COLUMNS, IMPORT_LIMITS
from empathy.admin.tasks import run_import
from empathy.admin.views import bp
from empathy.core.db import get_session, utcnow
from empathy.core.errors import ServiceError
from empathy.core.queue import enqueue, read_note
from empathy.core.runtime import import_link_keys, org_timezone
from empathy.core.web import form_error


@bp.route("/import", methods=["GET", "POST"])
def import_employees_page():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            job = import_jobs.start_import(
                session=get_session(), data=form.file.data.read(), filename=form.file.data.filename or "",
                dry_run=form.dry_run.data, actor_id=me().id, language=str(get_locale() or "en"))
        except ServiceError as exc:
            form_error(form, exc, "file")
        else:
            _queue_run(job.id)
            return redirect(url_for("admin.import_job", job_id=job.id))
    return render_template("admin/import.html", form=form, columns=COLUMNS, limits=IMPORT_LIMITS)


def _queue_run(job_id: int) -> None:
    try:
        enqueue(run_import, job_id)
    except Exception:
        current_app.logger.exception("could not queue import %s", job_id)
        import_jobs.fail_unqueued(session=get_session(), job_id=job_id)


@bp.get("/imports/<int:job_id>")
def import_job(job_id: int):
    """The job's progress (polled by a few lines of JS; refreshed every 2 s without JS), then its report and,
    for the administrator who started it, the new accounts' activation links."""
    session = get_session()
    status = import_jobs.job_status(session=session, job_id=job_id,
                                    live=read_note(import_jobs.progress_note_name(job_id)))
    links = []
    if status.finished:
        links = import_jobs.show_links(job=status.job, viewer_id=me().id, keys=import_link_keys())
    return render_template("admin/import_job.html", status=status, job=status.job,
                           report=import_jobs.report_of(status.job), failure=import_jobs.failure_of(status.job),
                           links=links, forget_form=FlaskForm(),
                           links_until=status.job.links_expire_at)


@bp.get("/imports/<int:job_id>/status")
def import_job_status(job_id: int):
    """The job's state and progress as JSON, for the page's progress bar."""
    status = import_jobs.job_status(session=get_session(), job_id=job_id,
                                    live=read_note(import_jobs.progress_note_name(job_id)))
    return jsonify(state=status.state, stage=status.stage, done=status.done, total=status.total,
                   percent=status.percent, finished=status.finished)


@bp.get("/imports/<int:job_id>/links.csv")
def import_links_csv(job_id: int):
    """Every activation link of the job as CSV (email, name, link), for the administrator who started it."""
    job = import_jobs.get_job(session=get_session(), job_id=job_id)
    links = import_jobs.show_links(job=job, viewer_id=me().id, keys=import_link_keys())
    if not links:
        abort(404)
    return _download(exports.links_csv(links), f"activation-links-{job_id}")


@bp.post("/imports/<int:job_id>/links/forget")
def forget_import_links(job_id: int):
    """Delete the job's activation links: the "Done" button, or the page's beacon when the admin leaves it."""
    session = get_session()
    job = import_jobs.get_job(session=session, job_id=job_id)
    if import_jobs.forget_links(session=session, job=job, viewer_id=me().id) and "beacon" not in request.form:
        flash(_("The activation links are no longer kept. You can still get each one from the Users page."))
    if "beacon" in request.form:
        return "", 204
    return redirect(url_for("admin.import_job", job_id=job_id))


@bp.errorhandler(413)
def too_large(error):
    if not (current_user.is_authenticated and current_user.is_admin):
        return error
    form = ImportForm(formdata=None)
    form.file.errors = [_("The file is larger than 5 MB. Split it into smaller files.")]
    return render_template("admin/import.html", form=form, columns=COLUMNS, limits=IMPORT_LIMITS), 413


@bp.get("/export")
def export():
    return render_template("admin/export.html")


def _download(data: bytes, stem: str) -> Response:
    filename = f"{stem}-{utcnow():%Y%m%d}.csv"
    return Response(data, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/export/employees.csv")
def export_employees():
    return _download(exports.export_employees_csv(session=get_session()), "employees")


@bp.get("/export/needs.csv")
def export_needs():
    data = exports.export_needs_csv(session=get_session(), timezone=org_timezone().key)
    return _download(data, "needs")
