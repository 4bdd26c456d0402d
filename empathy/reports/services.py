"""The impact dashboard: approved hours by cause, department, organisation and month.

Every query aggregates in the database (GROUP BY); Python only labels the grouped rows.
Per-need sums are taken first and then joined to needs, so a million hours rows are read
once per query through the covering index and never joined row by row.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from empathy.core.labels import beneficiary_name, skill_label
from empathy.models import HoursRecord, Need, NeedSkill, NeedStatus, Skill, User
from empathy.reports.common import (
    Column,
    DateRange,
    Table,
    add_shares,
    cause_labels,
    hours_col,
    hours_value,
    share_col,
    worked_in,
)

TABLES = ("by_cause", "by_department", "by_beneficiary", "by_month", "skills_used")
# Needs that never offered their seats to anyone do not count as offered.
NOT_OFFERED = (NeedStatus.DRAFT, NeedStatus.CANCELLED)
SKILLS_SHOWN = 50


@dataclass
class Dashboard:
    """The figures of one date range."""

    range: DateRange
    total_hours: float
    volunteers: int
    active_employees: int
    active_volunteers: int
    seats_offered: int
    seats_filled: int
    needs_started: int
    needs_completed: int
    tables: dict[str, Table]

    @property
    def participation(self) -> float:
        """Share of active employees with approved hours in the range (0 to 1)."""
        return self.active_volunteers / self.active_employees if self.active_employees else 0.0

    @property
    def fill_rate(self) -> float:
        return self.seats_filled / self.seats_offered if self.seats_offered else 0.0


def build_dashboard(*, session: Session, range: DateRange, lang: str) -> Dashboard:
    """Compute every figure and table of the dashboard for the range."""
    volunteers, active_volunteers, active = _volunteers(session, range)
    seats_offered, seats_filled, started = _seats(session, range)
    tables = build_tables(session=session, range=range, lang=lang, names=TABLES)
    return Dashboard(
        range=range,
        total_hours=tables["by_month"].total,
        volunteers=volunteers,
        active_employees=active,
        active_volunteers=active_volunteers,
        seats_offered=seats_offered,
        seats_filled=seats_filled,
        needs_started=started,
        needs_completed=_completed(session, range),
        tables=tables,
    )


def build_tables(*, session: Session, range: DateRange, lang: str, names=TABLES) -> dict[str, Table]:
    """The named dashboard tables (an export asks for one, the page for all)."""
    tables: dict[str, Table] = {}
    if {"by_cause", "by_beneficiary", "skills_used"} & set(names):
        tables.update(_need_tables(session, range, lang))
    if "by_department" in names:
        tables["by_department"] = _by_department(session, range)
    if "by_month" in names:
        tables["by_month"] = _by_month(session, range)
    return {name: tables[name] for name in names}


def _volunteers(session: Session, r: DateRange) -> tuple[int, int, int]:
    """Employees with approved hours in the range, how many of them are active, and all active."""
    who = sa.select(HoursRecord.user_id).where(worked_in(r))
    row = session.execute(
        sa.select(sa.func.count(), sa.func.sum(sa.case((User.active.is_(True), 1), else_=0))).where(User.id.in_(who))
    ).one()
    active = session.execute(sa.select(sa.func.count()).select_from(User).where(User.active.is_(True))).scalar_one()
    return int(row[0] or 0), int(row[1] or 0), int(active)


def _needs_starting(r: DateRange) -> sa.ColumnElement[bool]:
    lo, hi = r.utc_bounds()
    return sa.and_(Need.starts_at >= lo, Need.starts_at < hi, Need.status.not_in(NOT_OFFERED))


def _seats(session: Session, r: DateRange) -> tuple[int, int, int]:
    row = session.execute(
        sa.select(sa.func.sum(Need.seats), sa.func.sum(Need.seats_taken), sa.func.count()).where(_needs_starting(r))
    ).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def _completed(session: Session, r: DateRange) -> int:
    lo, hi = r.utc_bounds()
    query = sa.select(sa.func.count()).select_from(Need).where(
        # Half-open runs (empathy.core.localtime): a need ending at 00:00 of the range's first day ran the day
        # before it; one ending at 00:00 after its last day ran within it.
        Need.status == NeedStatus.COMPLETED, Need.ends_at > lo, Need.ends_at <= hi
    )
    return int(session.execute(query).scalar_one())


def _need_tables(session: Session, r: DateRange, lang: str) -> dict[str, Table]:
    """By cause, by organisation and skills put to work, from one pass over the hours.

    Approved hours are summed per need once (a CTE); three GROUP BYs over that small
    result, joined to needs and need_skills, come back in one UNION ALL statement.
    """
    per_need = (
        sa.select(HoursRecord.need_id, sa.func.sum(HoursRecord.hours).label("hours"))
        .where(worked_in(r))
        .group_by(HoursRecord.need_id)
        .cte("per_need")
    )
    hours, count = sa.func.sum(per_need.c.hours), sa.func.count()
    key = lambda col: sa.cast(col, sa.String).label("key")  # noqa: E731
    by_cause = sa.select(sa.literal("cause").label("kind"), key(Need.cause), hours, count).join(
        per_need, per_need.c.need_id == Need.id).group_by(Need.cause)
    by_org = sa.select(sa.literal("org").label("kind"), key(Need.beneficiary), hours, count).join(
        per_need, per_need.c.need_id == Need.id).group_by(Need.beneficiary)
    by_skill = sa.select(sa.literal("skill").label("kind"), key(NeedSkill.skill_id), hours, count).select_from(
        per_need).join(NeedSkill, NeedSkill.need_id == per_need.c.need_id).group_by(NeedSkill.skill_id)
    groups: dict[str, list[tuple[str, float, int]]] = {"cause": [], "org": [], "skill": []}
    for kind, k, h, n in session.execute(sa.union_all(by_cause, by_org, by_skill)).all():
        groups[kind].append((k, hours_value(h), int(n)))
    for rows in groups.values():
        rows.sort(key=lambda item: (-item[1], item[0]))
    return {
        "by_cause": _cause_table(groups["cause"], lang),
        "by_beneficiary": _org_table(groups["org"], lang),
        "skills_used": _skill_table(session, groups["skill"][:SKILLS_SHOWN], lang),
    }


def _cause_table(groups, lang: str) -> Table:
    labels = cause_labels(lang)
    rows = [{"code": c, "label": labels.get(c, c), "hours": h, "needs": n} for c, h, n in groups]
    columns = [Column("label", _l("Cause area")), hours_col(), share_col(), Column("needs", _l("Needs"), "int")]
    return Table("by_cause", _l("Approved hours by cause area"), columns, add_shares(rows, _sum(rows)))


def _org_table(groups, lang: str) -> Table:
    # One row per organisation, by its name in `lang`: needs may name one organisation in either language.
    merged: dict[str, list] = {}
    for b, h, n in groups:
        row = merged.setdefault(beneficiary_name(b, lang) or str(_l("No organisation named")), [0.0, 0])
        row[0], row[1] = row[0] + h, row[1] + n
    rows = [{"label": label, "hours": hours_value(h), "needs": n}
            for label, (h, n) in sorted(merged.items(), key=lambda item: (-item[1][0], item[0]))]
    columns = [Column("label", _l("Beneficiary organisation")), hours_col(), share_col(),
               Column("needs", _l("Needs"), "int")]
    return Table("by_beneficiary", _l("Approved hours by beneficiary organisation"), columns,
                 add_shares(rows, _sum(rows)))


def _skill_table(session: Session, groups, lang: str) -> Table:
    """Skills the needs required, weighted by the approved hours given to those needs."""
    ids = [int(k) for k, _, _ in groups]
    skills = {s.id: s for s in session.execute(sa.select(Skill).where(Skill.id.in_(ids))).scalars()} if ids else {}
    rows = [{"label": skill_label(skills[int(k)], lang), "hours": h, "needs": n}
            for k, h, n in groups if int(k) in skills]
    columns = [Column("label", _l("Skill")), hours_col(), Column("needs", _l("Needs"), "int")]
    return Table("skills_used", _l("Skills put to work"), columns, rows)


def _by_department(session: Session, r: DateRange) -> Table:
    hours = sa.func.sum(HoursRecord.hours)
    result = session.execute(
        sa.select(HoursRecord.department, hours).where(worked_in(r)).group_by(HoursRecord.department)
    ).all()
    rows = [{"label": d or str(_l("No department recorded")), "hours": hours_value(h)} for d, h in result]
    rows.sort(key=lambda row: (-row["hours"], row["label"]))
    columns = [Column("label", _l("Department")), hours_col(), share_col()]
    return Table("by_department", _l("Approved hours by department"), columns, add_shares(rows, _sum(rows)))


def month_of(session: Session, column):
    """The 'YYYY-MM' of a date column, in the session's SQL dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m", column)
    return sa.func.to_char(column, "YYYY-MM")


def _by_month(session: Session, r: DateRange) -> Table:
    # Days first: the index on worked_on hands them over in order, with no sort.
    per_day = (
        sa.select(HoursRecord.worked_on.label("day"), sa.func.sum(HoursRecord.hours).label("hours"))
        .where(worked_in(r))
        .group_by(HoursRecord.worked_on)
        .subquery("per_day")
    )
    month = month_of(session, per_day.c.day).label("month")
    found = dict(session.execute(sa.select(month, sa.func.sum(per_day.c.hours)).group_by(month)).all())
    rows = []
    for first in r.months():  # every month of the range, the empty ones too
        label = first.strftime("%Y-%m")
        rows.append({"month": first, "label": label, "hours": hours_value(found.get(label))})
    columns = [Column("month", _l("Month"), "month"), hours_col()]
    return Table("by_month", _l("Approved hours by month"), columns, rows)


def _sum(rows: list[dict]) -> float:
    return sum(row["hours"] for row in rows)
