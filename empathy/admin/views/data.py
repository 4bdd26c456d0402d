"""Bulk import of employees, and CSV exports."""

from __future__ import annotations

from flask import Response, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from empathy.accounts.login import me
from empathy.admin.forms import ImportForm
from empathy.admin.services import exports
from empathy.admin.services.imports import COLUMNS, IMPORT_LIMITS, import_employees
from empathy.admin.views import bp
from empathy.core.db import get_session, utcnow
from empathy.core.errors import ServiceError
from empathy.core.runtime import org_timezone
from empathy.core.web import form_error


@bp.route("/import", methods=["GET", "POST"])
def import_employees_page():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            report = import_employees(
                session=get_session(), data=form.file.data.read(), dry_run=form.dry_run.data,
                secret_key=current_app.config["SECRET_KEY"], base_url=current_app.config["BASE_URL"],
                actor_id=me().id)
        except ServiceError as exc:
            form_error(form, exc, "file")
        else:
            form.dry_run.data = True  # the next upload starts as a check again
    return render_template("admin/import.html", form=form, report=report, columns=COLUMNS, limits=IMPORT_LIMITS)


@bp.errorhandler(413)
def too_large(error):
    if not (current_user.is_authenticated and current_user.is_admin):
        return error
    form = ImportForm(formdata=None)
    form.file.errors = [_("The file is larger than 5 MB. Split it into smaller files.")]
    return render_template("admin/import.html", form=form, report=None, columns=COLUMNS, limits=IMPORT_LIMITS), 413


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
