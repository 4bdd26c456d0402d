"""Administrators: import employees from an HR system's CSV, list users; coordinators: the impact report."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_babel import get_locale
from flask_openapi3 import RawModel, Tag

from empathy.admin.services import imports
from empathy.admin.services import users as admin
from empathy.api import answers, bp, ok, present, send_mail
from empathy.api import schemas as s
from empathy.api.auth import BEARER, caller, roles
from empathy.core.db import get_session

ADMIN = Tag(name="admin", description="Administration and reports")


class CsvBody(RawModel):
    mimetypes = ["text/csv"]


@bp.post("/admin/employees/import", tags=[ADMIN], security=BEARER, responses=answers(200, s.ImportOut))
@roles("admin")
def import_employees(query: s.ImportQuery, raw: CsvBody):
    """Create or update employees from a CSV export (columns as on the import page); `dry_run=1` only checks."""
    report = imports.import_employees(session=get_session(), data=request.get_data(), dry_run=query.dry_run,
                                      secret_key=current_app.config["SECRET_KEY"],
                                      base_url=current_app.config["BASE_URL"], actor_id=caller().id)
    if report.written and report.created:
        send_mail()
    issues = lambda items: [s.ImportIssueOut(line=i.line, field=i.field, message=str(i.message)) for i in items]  # noqa: E731
    return ok(s.ImportOut(
        dry_run=report.dry_run, written=report.written, created=report.created, updated=report.updated,
        unchanged=report.unchanged, errors=issues(report.errors), warnings=issues(report.warnings),
        rows=[s.ImportRowOut(line=r.line, email=r.email, name=r.name, action=r.action) for r in report.rows],
        new_skills=list(report.new_skills)))


@bp.get("/admin/users", tags=[ADMIN], security=BEARER, responses=answers(200, s.UserList))
@roles("admin")
def list_users(query: s.UserQuery):
    """Users whose name or email contains `q`, newest first."""
    page = admin.list_users(session=get_session(), query=query.q, role=query.role, page=query.page,
                            per_page=query.per_page)
    return ok(s.UserList(items=[present.admin_user_out(u) for u in page.items], total=page.total,
                         page=page.page, per_page=page.per_page))


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


@bp.get("/reports/impact", tags=[ADMIN], security=BEARER, responses=answers(200, s.ImpactOut))
@roles("coordinator")
def impact(query: s.ReportQuery):
    """Approved hours, volunteers and seats over a date range (this calendar year by default)."""
    from empathy.reports import services as reports
    from empathy.reports.common import parse_range

    tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    range_ = parse_range(query.from_.isoformat() if query.from_ else None,
                         query.to.isoformat() if query.to else None, today=datetime.now(ZoneInfo(tz)).date(), tz=tz)
    d = reports.build_dashboard(session=get_session(), range=range_, lang=str(get_locale() or "en").split("_")[0])
    tables = {name: s.ReportTable(title=str(t.title), columns=[{"key": c.key, "header": str(c.header), "kind": c.kind}
                                                               for c in t.columns],
                                  rows=[{k: _plain(v) for k, v in row.items()} for row in t.rows], total=t.total)
              for name, t in d.tables.items()}
    return ok(s.ImpactOut(
        from_=d.range.start, to=d.range.end, total_hours=d.total_hours, volunteers=d.volunteers,
        active_employees=d.active_employees, active_volunteers=d.active_volunteers, participation=d.participation,
        seats_offered=d.seats_offered, seats_filled=d.seats_filled, fill_rate=d.fill_rate,
        needs_started=d.needs_started, needs_completed=d.needs_completed, tables=tables))
