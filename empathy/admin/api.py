"""Administrators: import employees from an HR system's CSV, list users, list the outbox."""

from __future__ import annotations

from flask import current_app, request
from flask_openapi3 import RawModel

from empathy.admin import schemas as s
from empathy.admin.services import imports, outbox
from empathy.admin.services import users as admin
from empathy.api import answers, bp, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.tags import ADMIN
from empathy.core.db import get_session


class CsvBody(RawModel):
    mimetypes = ["text/csv"]


@bp.post("/admin/employees/import", tags=[ADMIN], security=BEARER, responses=answers(200, s.ImportOut))
@roles("admin")
def import_employees(query: s.ImportQuery, raw: CsvBody):
    """Create or update employees from a CSV export (columns as on the import page); `dry_run=1` only checks.

    At most 5 MB and 2000 employees per file, 50 skills per employee and 100 skills the list lacks."""
    report = imports.import_employees(session=get_session(), data=request.get_data(), dry_run=query.dry_run,
                                      secret_key=current_app.config["SECRET_KEY"],
                                      base_url=current_app.config["BASE_URL"], actor_id=caller().id)
    return ok(s.import_out(report))


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
