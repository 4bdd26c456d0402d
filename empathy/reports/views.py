"""Impact reports for coordinators, exports, and each employee's volunteering record."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import login_required

from empathy.accounts.login import me, role_required
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.reports import exports as exports_reports
from empathy.reports import gaps
from empathy.reports import services as reports
from empathy.reports.common import DateRange, parse_range
from empathy.reports.record import volunteering_record

bp = Blueprint("reports", __name__)


def _lang() -> str:
    return str(get_locale() or "en").split("_")[0]


def _today():
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _range() -> tuple[DateRange, dict[str, str]]:
    """The requested range, or this calendar year with the field's error when it is invalid."""
    tz, today = current_app.config["BABEL_DEFAULT_TIMEZONE"], _today()
    try:
        return parse_range(request.args.get("from"), request.args.get("to"), today=today, tz=tz), {}
    except ServiceError as exc:
        return parse_range(None, None, today=today, tz=tz), {exc.field or "from": str(exc.message)}


@bp.get("/reports")
@role_required("coordinator")
def dashboard():
    range_, errors = _range()
    data = reports.build_dashboard(session=get_session(), range=range_, lang=_lang())
    return render_template("reports/dashboard.html", d=data, errors=errors, args=request.args)


@bp.get("/reports/skills")
@role_required("coordinator")
def skills():
    data = gaps.skill_gaps(session=get_session(), lang=_lang())
    return render_template("reports/skills.html", data=data)


@bp.get("/reports/export.<fmt>")
@role_required("coordinator")
def export(fmt: str):
    range_, errors = _range()
    if errors:
        abort(400, description=next(iter(errors.values())))
    try:
        out = exports_reports.export_table(
            session=get_session(), name=request.args.get("table", ""), fmt=fmt, range=range_, lang=_lang()
        )
    except ServiceError as exc:
        abort(exc.status, description=str(exc.message))
    disposition = f'attachment; filename="{out.filename}"'
    return Response(out.content, mimetype=out.mimetype, headers={"Content-Disposition": disposition})


@bp.get("/reports/employees/<int:user_id>/record")
@login_required
def record(user_id: int):
    try:
        data = volunteering_record(session=get_session(), viewer=me(), user_id=user_id, lang=_lang())
    except ServiceError as exc:
        abort(exc.status)
    return render_template("reports/record.html", r=data, today=_today())


@bp.get("/me/record")
@login_required
def my_record():
    return record(me().id)
