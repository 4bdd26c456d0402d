"""Skill gaps: what open needs ask for that few employees offer, and the reverse."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from empathy.core.labels import skill_label
from empathy.models import EmployeeProfile, EmployeeSkill, Need, NeedSkill, NeedStatus, Skill, User
from empathy.reports.common import Column, Table

GAP_TABLES = ("skill_gaps", "skills_unused")
# Where the page draws the line between "few" and enough employees to call on.
FEW_EMPLOYEES = 5
UNUSED_LIMIT = 50


@dataclass
class SkillGaps:
    """Both sides of the skill gap, over open needs and active employees."""

    wanted: Table
    unused: Table
    few: int = FEW_EMPLOYEES

    @property
    def scarce(self) -> Table:
        """The wanted skills that fewer than `few` active employees hold at the level asked."""
        rows = [row for row in self.wanted.rows if row["employees"] < self.few]
        return Table(self.wanted.name, self.wanted.title, self.wanted.columns, rows, value_key="needs")

    @property
    def short(self) -> Table:
        """The chart: the wanted skills that lack people, by how many (open seats of the open needs asking
        for the skill, minus the active employees at the level asked), largest shortfall first.

        Counting open needs per skill drew a bar of 1 for almost every skill (most skills are asked by one
        need); the shortfall says how many more qualified people the open needs wait for, which is what a
        coordinator can act on (recruit, train, or lower the level asked)."""
        rows = sorted((row for row in self.wanted.rows if row["shortfall"] > 0),
                      key=lambda row: (-row["shortfall"], row["employees"], row["label"]))
        return Table(self.wanted.name, _l("People short: open seats minus qualified employees"),
                     self.wanted.columns, rows, value_key="shortfall")


def skill_gaps(*, session: Session, lang: str) -> SkillGaps:
    """Skills open needs wait on (rarest first) and common skills no open need uses."""
    return SkillGaps(wanted=_wanted(session, lang), unused=_unused(session, lang))


def build_gap_tables(*, session: Session, lang: str, names=GAP_TABLES) -> dict[str, Table]:
    """The named skill-gap tables, for the exports."""
    builders = {"skill_gaps": _wanted, "skills_unused": _unused}
    return {name: builders[name](session, lang) for name in names}


def _open_need_skills():
    """Per skill: open needs requiring it, their lowest minimum level and open seats."""
    return (
        sa.select(
            NeedSkill.skill_id,
            sa.func.count().label("needs"),
            sa.func.min(NeedSkill.min_level).label("min_level"),
            sa.func.sum(Need.seats - Need.seats_taken).label("seats"),
        )
        .join(Need, Need.id == NeedSkill.need_id)
        .where(Need.status == NeedStatus.OPEN)
        .group_by(NeedSkill.skill_id)
        .subquery("wanted")
    )


def _levels():
    """Active employees per skill and level, counted once (a CTE both tables start from)."""
    return (
        sa.select(EmployeeSkill.skill_id, EmployeeSkill.level, sa.func.count().label("employees"))
        .join(EmployeeProfile, EmployeeProfile.id == EmployeeSkill.profile_id)
        .join(User, User.id == EmployeeProfile.user_id)
        .where(User.active.is_(True))
        .group_by(EmployeeSkill.skill_id, EmployeeSkill.level)
        .cte("levels")
    )


def _wanted(session: Session, lang: str) -> Table:
    wanted, levels = _open_need_skills(), _levels()
    qualified = sa.func.coalesce(sa.func.sum(levels.c.employees), 0).label("qualified")
    result = session.execute(
        sa.select(Skill.name, Skill.label_en, Skill.label_zh, wanted.c.needs, wanted.c.min_level, wanted.c.seats,
                  qualified)
        .join(wanted, wanted.c.skill_id == Skill.id)
        .outerjoin(levels, sa.and_(levels.c.skill_id == Skill.id, levels.c.level >= wanted.c.min_level))
        .group_by(Skill.id, Skill.name, Skill.label_en, Skill.label_zh, wanted.c.needs, wanted.c.min_level,
                  wanted.c.seats)
        .order_by(qualified, wanted.c.needs.desc(), Skill.name)
    ).all()
    rows = [
        {
            "label": skill_label(r, lang),
            "needs": r.needs,
            "seats": int(r.seats or 0),
            "min_level": r.min_level,
            "employees": r.qualified,
            "shortfall": max(int(r.seats or 0) - int(r.qualified), 0),
        }
        for r in result
    ]
    columns = [
        Column("label", _l("Skill")),
        Column("needs", _l("Open needs waiting"), "int"),
        Column("seats", _l("Open seats"), "int"),
        Column("min_level", _l("Lowest level asked"), "int"),
        Column("employees", _l("Employees at that level"), "int"),
        Column("shortfall", _l("People short"), "int"),
    ]
    return Table("skill_gaps", _l("Skills open needs wait on"), columns, rows, value_key="needs")


def _unused(session: Session, lang: str) -> Table:
    in_use = (sa.select(NeedSkill.skill_id).join(Need, Need.id == NeedSkill.need_id)
              .where(Need.status == NeedStatus.OPEN))
    levels = _levels()
    holders = sa.func.sum(levels.c.employees).label("employees")
    result = session.execute(
        sa.select(Skill.name, Skill.label_en, Skill.label_zh, holders)
        .select_from(levels)
        .join(Skill, Skill.id == levels.c.skill_id)
        .where(Skill.id.not_in(in_use))
        .group_by(Skill.id, Skill.name, Skill.label_en, Skill.label_zh)
        .order_by(holders.desc(), Skill.name)
        .limit(UNUSED_LIMIT)
    ).all()
    rows = [{"label": skill_label(r, lang), "employees": r.employees} for r in result]
    columns = [Column("label", _l("Skill")), Column("employees", _l("Employees with it"), "int")]
    return Table("skills_unused", _l("Skills no open need uses"), columns, rows, value_key="employees")
