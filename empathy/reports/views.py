"""Impact reports for coordinators, exports, and each employee's volunteering record."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import login_required

from empathy.accounts.login import me, role_required
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.runtime import org_timezone, org_today
from empathy.reports import exports as exports_reports
from empathy.reports import gaps
from empathy.reports import services as reports
from empathy.reports.common import DateRange, parse_range
from empathy.reports.record import volunteering_record

bp = Blueprint("reports", __name__)
web.init_blueprint(bp)


def _range() -> tuple[DateRange, dict[str, str]]:
    """The requested range, or this calendar year with the field's error when it is invalid."""
    tz, today = org_timezone().key, org_today()
    try:
        return parse_range(request.args.get("from"), request.args.get("to"), today=today, tz=tz), {}
    except ServiceError as exc:
        return parse_range(None, None, today=today, tz=tz), {exc.field or "from": str(exc.message)}


@bp.get("/reports")
@role_required("coordinator")
def dashboard():
    range_, errors = _range()
    data = reports.build_dashboard(session=get_session(), range=range_, lang=ui_language())
    return render_template("reports/dashboard.html", d=data, errors=errors, args=request.args)


@bp.get("/reports/skills")
@role_required("coordinator")
def skills():
    data = gaps.skill_gaps(session=get_session(), lang=ui_language())
    return render_template("reports/skills.html", data=data)


@bp.get("/reports/export.<fmt>")
@role_required("coordinator")
def export(fmt: str):
    range_, errors = _range()
    if errors:
        abort(400, description=next(iter(errors.values())))
    out = exports_reports.export_table(
        session=get_session(), name=request.args.get("table", ""), fmt=fmt, range=range_, lang=ui_language()
    )
    disposition = f'attachment; filename="{out.filename}"'
    return Response(out.content, mimetype=out.mimetype, headers={"Content-Disposition": disposition})


@bp.get("/reports/employees/<int:user_id>/record")
@login_required
def record(user_id: int):
    data = volunteering_record(session=get_session(), viewer=me(), user_id=user_id, lang=ui_language())
    return render_template("reports/record.html", r=data, today=org_today())


@bp.get("/me/record")
@login_required
def my_record():
    return record(me().id)
