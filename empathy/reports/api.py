"""Reports for coordinators: the impact of a date range, and the skill gaps of open needs."""

from __future__ import annotations

from empathy.api import answers, bp, ok
from empathy.api.auth import BEARER, roles
from empathy.api.tags import ADMIN
from empathy.core.db import get_session
from empathy.core.i18n import ui_language
from empathy.core.runtime import org_timezone, org_today
from empathy.reports import gaps
from empathy.reports import schemas as s
from empathy.reports import services as reports
from empathy.reports.common import parse_range


@bp.get("/reports/impact", tags=[ADMIN], security=BEARER, responses=answers(200, s.ImpactOut))
@roles("coordinator")
def impact(query: s.ReportQuery):
    """Approved hours, volunteers and seats over a date range (this calendar year by default)."""
    tz = org_timezone()
    range_ = parse_range(query.from_.isoformat() if query.from_ else None,
                         query.to.isoformat() if query.to else None, today=org_today(), tz=tz.key)
    return ok(s.impact_out(reports.build_dashboard(session=get_session(), range=range_, lang=ui_language())))


@bp.get("/reports/skills", tags=[ADMIN], security=BEARER, responses=answers(200, s.SkillGapsOut))
@roles("coordinator")
def skill_gaps():
    """Skills open needs wait on (rarest first), the scarce ones, and common skills no open need uses."""
    return ok(s.skill_gaps_out(gaps.skill_gaps(session=get_session(), lang=ui_language())))
