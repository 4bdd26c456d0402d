"""Sites, the skill taxonomy and employee profiles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Field, SQLModel

from empathy.core.text import fold
from empathy.models.base import created_at_field, updated_at_field
from empathy.models.profile_schemas import (
    MAX_HOURS_PER_MONTH,
    MAX_LEVEL,
    MAX_SITE_CODE,
    MAX_SKILL_NAME,
    MAX_YEARS,
    MIN_LEVEL,
    ProfileBase,
    ProfileSkillBase,
)


class Site(SQLModel, table=True):
    """A place the company works from, managed by admins."""

    __tablename__ = "sites"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=MAX_SITE_CODE, unique=True)
    name_en: str = Field(max_length=120)
    name_zh: str = Field(max_length=120)
    is_active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class SkillBase(SQLModel):
    name: str = Field(max_length=MAX_SKILL_NAME)
    category: str = Field(default="other", max_length=40)
    label_en: str = Field(max_length=120)
    label_zh: str = Field(default="", max_length=120)


class Skill(SkillBase, table=True):
    """A canonical skill of the taxonomy; typed-in skills wait for review."""

    __tablename__ = "skills"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=MAX_SKILL_NAME, unique=True)
    synonyms: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    # Canonical names of related skills (ESCO's "related": not the same skill, but most of its knowledge, e.g.
    # Accounting and Bookkeeping). Symmetric: written on one of the two skills, read both ways by the matcher.
    related: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False,
                               sa_column_kwargs={"server_default": "[]"})
    # Set for a skill a user typed that the taxonomy lacked; an admin reviews or merges it.
    needs_review: bool = Field(default=False, index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


# Folding (NFKC, case-folding) can lengthen a name of MAX_SKILL_NAME characters up to three times.
MAX_SKILL_KEY = 3 * MAX_SKILL_NAME
NAME_COLUMNS = ("name", "label_en", "label_zh", "synonyms")


class SkillKey(SQLModel, table=True):
    """Each name of a skill (its name, labels and synonyms) as it is compared, pointing at the skill.

    A typed name is found by this key through the unique index, never by reading the taxonomy; and no name
    can mean two skills. Kept in step with every write of a skill's names (see `_write_keys`).
    """

    __tablename__ = "skill_keys"

    key: str = Field(primary_key=True, max_length=MAX_SKILL_KEY)
    skill_id: int = Field(foreign_key="skills.id", ondelete="CASCADE", index=True)


def skill_keys(skill: Skill) -> list[str]:
    """The lookup keys of a skill's names (empathy.core.text.fold), its name's first, each once."""
    names = (skill.name, skill.label_en, skill.label_zh, *(skill.synonyms or []))
    return list(dict.fromkeys(key for key in map(fold, filter(None, names)) if key))


def _write_keys(connection, skill: Skill) -> None:
    table = SkillKey.__table__
    connection.execute(table.delete().where(table.c.skill_id == skill.id))
    keys = skill_keys(skill)
    if keys:
        connection.execute(table.insert(), [{"key": key, "skill_id": skill.id} for key in keys])


# The keys are written in the flush that writes the skill's names, whoever writes them (services, the shipped
# list, imports, tests): a key another skill has fails that flush (IntegrityError), as a duplicate name would.
# The keys of a deleted skill go with it (ON DELETE CASCADE).
@event.listens_for(Skill, "after_insert")
def _index_new_skill(_mapper, connection, skill: Skill) -> None:
    _write_keys(connection, skill)


@event.listens_for(Skill, "after_update")
def _index_renamed_skill(_mapper, connection, skill: Skill) -> None:
    state = sa.inspect(skill)
    if any(state.attrs[column].history.has_changes() for column in NAME_COLUMNS):
        _write_keys(connection, skill)


class EmployeeProfile(ProfileBase, table=True):
    """What an employee offers: specialty, availability, languages and causes."""

    __tablename__ = "employee_profiles"
    __table_args__ = (
        sa.CheckConstraint(f"hours_per_month >= 0 AND hours_per_month <= {MAX_HOURS_PER_MONTH}",
                           name="hours_per_month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", unique=True)
    site_id: int | None = Field(default=None, foreign_key="sites.id", ondelete="SET NULL", index=True)
    # What coordinators may see (the current state; the history is in `consents`).
    share_skills: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    share_availability: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    share_contact: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field(index=True)


class EmployeeSkill(ProfileSkillBase, table=True):
    """A skill an employee has, at a level from 1 (beginner) to 4 (expert)."""

    __tablename__ = "employee_skills"
    __table_args__ = (
        sa.UniqueConstraint("profile_id", "skill_id", name="uq_employee_skills_profile_skill"),
        sa.CheckConstraint(f"level >= {MIN_LEVEL} AND level <= {MAX_LEVEL}", name="level"),
        sa.CheckConstraint(f"years IS NULL OR (years >= 0 AND years <= {MAX_YEARS})", name="years"),
    )

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="employee_profiles.id", ondelete="CASCADE", index=True)
    skill_id: int = Field(foreign_key="skills.id", ondelete="RESTRICT", index=True)
