"""Sites, the skill taxonomy and employee profiles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Field, SQLModel

from empathy.models.base import created_at_field, updated_at_field

MAX_SKILL_NAME = 120

# ISO 639-1 codes (and yue, ISO 639-3, for Cantonese) employees can offer.
LANGUAGES = {
    "zh": _l("Chinese (Mandarin)"),
    "yue": _l("Cantonese"),
    "en": _l("English"),
    "km": _l("Khmer"),
    "fr": _l("French"),
    "de": _l("German"),
    "ja": _l("Japanese"),
    "ko": _l("Korean"),
    "es": _l("Spanish"),
    "pt": _l("Portuguese"),
    "ar": _l("Arabic"),
    "ru": _l("Russian"),
    "vi": _l("Vietnamese"),
    "th": _l("Thai"),
    "ms": _l("Malay"),
    "id": _l("Indonesian"),
    "hi": _l("Hindi"),
    "it": _l("Italian"),
}


class Site(SQLModel, table=True):
    """A place the company works from, managed by admins."""

    __tablename__ = "sites"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True)
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
    # Set for a skill a user typed that the taxonomy lacked; an admin reviews or merges it.
    needs_review: bool = Field(default=False, index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class EmployeeProfileBase(SQLModel):
    department: str = Field(default="", max_length=120)
    bio: str = Field(default="", sa_type=sa.Text)
    hours_per_month: int = Field(default=8)
    available_weekdays: bool = Field(default=True)
    available_weekends: bool = Field(default=True)
    available_evenings: bool = Field(default=False)
    remote_ok: bool = Field(default=True)
    is_suggestible: bool = Field(default=True)


class EmployeeProfile(EmployeeProfileBase, table=True):
    """What an employee offers: specialty, availability, languages and causes."""

    __tablename__ = "employee_profiles"
    __table_args__ = (
        sa.CheckConstraint("hours_per_month >= 0 AND hours_per_month <= 744", name="hours_per_month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", unique=True)
    site_id: int | None = Field(default=None, foreign_key="sites.id", ondelete="SET NULL", index=True)
    # ISO 639-1 codes, and cause codes from empathy/data/causes.json.
    languages: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    causes: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    # What coordinators may see (the current state; the history is in `consents`).
    share_skills: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    share_availability: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    share_contact: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field(index=True)


class EmployeeSkill(SQLModel, table=True):
    """A skill an employee has, at a level from 1 (beginner) to 4 (expert)."""

    __tablename__ = "employee_skills"
    __table_args__ = (
        sa.UniqueConstraint("profile_id", "skill_id", name="uq_employee_skills_profile_skill"),
        sa.CheckConstraint("level >= 1 AND level <= 4", name="level"),
        sa.CheckConstraint("years IS NULL OR (years >= 0 AND years <= 80)", name="years"),
    )

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="employee_profiles.id", ondelete="CASCADE", index=True)
    skill_id: int = Field(foreign_key="skills.id", ondelete="RESTRICT", index=True)
    level: int = Field(default=2)
    years: float | None = Field(default=None)
