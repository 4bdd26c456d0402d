"""The API's bodies for the reports (impact and skill gaps), and their presenters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, Field

from empathy.api.schemas import Out, Query
from empathy.reports.common import Table
from empathy.reports.gaps import SkillGaps
from empathy.reports.services import Dashboard


class ReportQuery(Query):
    from_: date | None = Field(default=None, alias="from", description="First day (default: 1 January).")
    to: date | None = Field(default=None, description="Last day (default: 31 December).")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ReportTable(Out):
    title: str
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]
    total: float


class ImpactOut(Out):
    from_: date = Field(serialization_alias="from")
    to: date
    total_hours: float
    volunteers: int
    active_employees: int
    active_volunteers: int
    participation: float
    seats_offered: int
    seats_filled: int
    fill_rate: float
    needs_started: int
    needs_completed: int
    tables: dict[str, ReportTable]


class SkillGapsOut(Out):
    few: int = Field(description="Below this many able employees a wanted skill counts as scarce.")
    wanted: ReportTable
    scarce: ReportTable
    unused: ReportTable


# --- presenters -------------------------------------------------------------------------------


def _plain(value):
    """A cell as JSON has it: dates as ISO strings, anything else unknown as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def report_table(t: Table) -> ReportTable:
    return ReportTable(title=str(t.title), columns=[{"key": c.key, "header": str(c.header), "kind": c.kind}
                                                    for c in t.columns],
                       rows=[{k: _plain(v) for k, v in row.items()} for row in t.rows], total=t.total)


def impact_out(d: Dashboard) -> ImpactOut:
    return ImpactOut(
        from_=d.range.start, to=d.range.end, total_hours=d.total_hours, volunteers=d.volunteers,
        active_employees=d.active_employees, active_volunteers=d.active_volunteers, participation=d.participation,
        seats_offered=d.seats_offered, seats_filled=d.seats_filled, fill_rate=d.fill_rate,
        needs_started=d.needs_started, needs_completed=d.needs_completed,
        tables={name: report_table(t) for name, t in d.tables.items()})


def skill_gaps_out(data: SkillGaps) -> SkillGapsOut:
    return SkillGapsOut(few=data.few, wanted=report_table(data.wanted), scarce=report_table(data.scarce),
                        unused=report_table(data.unused))
