"""The employee profile's schema family: the limits of every field of a profile and its skill rows, written once.

`ProfileBase` holds what an employee writes about themselves; the table `EmployeeProfile` (models.profiles),
the request body `ProfileUpdate` and the web form all take their limits from it (likewise `ProfileSkillBase`
for the table `EmployeeSkill` and `ProfileSkillCreate`). The profile is only ever replaced whole by its owner,
so there is no Create. `ProfilePublic` is what the API answers. Rules that need the database (the site exists,
skill names through the taxonomy, one row per skill) stay in empathy.profiles.services.

Skill names, levels, languages and site codes are shared with the need family (models.need_schemas).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pydantic import Field as PydanticField
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from empathy.data import load_causes
from empathy.models.fields import STRICT, Str, refused, text, worded

MAX_SKILL_NAME = 120
MAX_SITE_CODE = 60
MIN_LEVEL, MAX_LEVEL = 1, 4
LEVELS = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))
LEVEL_NAMES = {1: _l("Beginner"), 2: _l("Intermediate"), 3: _l("Advanced"), 4: _l("Expert")}
MAX_YEARS = 80
MAX_BIO = 5000
MAX_DEPARTMENT = 120
MAX_HOURS_PER_MONTH = 744  # 31 days x 24 hours
MAX_PROFILE_LANGUAGES = 20
MAX_CAUSES = 20
# Skill rows of one profile or one need; and how many skills the taxonomy lacks one save may add to it (the rest
# is refused on its row): a save costs at most this many new rows in the taxonomy an administrator reviews.
MAX_SKILL_ROWS = 50
MAX_PROFILE_SKILLS = MAX_SKILL_ROWS
MAX_NEW_SKILLS_PER_SAVE = 5

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

SkillName = Annotated[text(strip=True, min_length=1, max_length=MAX_SKILL_NAME),
                      worded("skill_name", _l("Enter a skill name."), "string_too_short")]
Level = Annotated[int, Field(ge=MIN_LEVEL, le=MAX_LEVEL),
                  worded("skill_level", _l("Choose a level from 1 (beginner) to 4 (expert)."),
                         "greater_than_equal", "less_than_equal")]
Years = Annotated[float, Field(ge=0, le=MAX_YEARS),
                  worded("skill_years", _l("Enter years from 0 to %(n)d.", n=MAX_YEARS),
                         "greater_than_equal", "less_than_equal")]
SiteCode = text(max_length=MAX_SITE_CODE)
Department = text(strip=True, max_length=MAX_DEPARTMENT)
Bio = text(strip=True, max_length=MAX_BIO)
HoursPerMonth = Annotated[int, Field(ge=0, le=MAX_HOURS_PER_MONTH),
                          worded("profile_hours", _l("Enter a whole number of hours from 0 to %(n)d.",
                                                     n=MAX_HOURS_PER_MONTH),
                                 "greater_than_equal", "less_than_equal", "int_type", "int_parsing", "int_from_float")]
Row = TypeVar("Row")
SkillRows = Annotated[list[Row], Field(max_length=MAX_SKILL_ROWS),
                      worded("skill_rows", _l("List at most %(n)d skills.", n=MAX_SKILL_ROWS), "too_long")]
ProfileLanguages = Annotated[list[Str], Field(max_length=MAX_PROFILE_LANGUAGES)]
Causes = Annotated[list[Str], Field(max_length=MAX_CAUSES)]

# --- the skills an employee has ----------------------------------------------------------------


class ProfileSkillBase(SQLModel):
    level: Level = Field(default=2, description="1 beginner, 2 intermediate, 3 advanced, 4 expert.")
    years: Years | None = None


class ProfileSkillCreate(ProfileSkillBase):
    """One skill row as an employee writes it: any label or synonym of a skill."""

    model_config = STRICT

    name: SkillName = Field(description="Any label or synonym; unknown names are created and flagged for an "
                                        f"administrator's review, at most {MAX_NEW_SKILLS_PER_SAVE} in one save.")


class ProfileSkillPublic(SQLModel):
    """A skill row as the API shows it (a response: no input limits in its schema)."""

    name: str
    label_en: str
    label_zh: str
    level: int
    years: float | None = None
    needs_review: bool


# --- the profile -------------------------------------------------------------------------------


class ProfileBase(SQLModel):
    department: Department = ""
    bio: Bio = Field(default="", sa_type=sa.Text)
    hours_per_month: HoursPerMonth = 8
    available_weekdays: bool = True
    available_weekends: bool = True
    available_evenings: bool = False
    remote_ok: bool = True
    # Willing to go to an in-person need at another site than their own (a trip, as for the village PV
    # stations): without it, in-person needs elsewhere are not suggested to them nor they for those needs.
    travel_ok: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    is_suggestible: bool = True
    # ISO 639-1 codes, and cause codes from empathy/data/causes.json.
    languages: ProfileLanguages = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    causes: Causes = Field(default_factory=list, sa_type=sa.JSON, nullable=False)


class ProfileUpdate(ProfileBase):
    """A whole profile as its owner writes it (it replaces the stored one, skill rows included); the site is
    given by its code (or id, from the web form)."""

    model_config = STRICT

    site: SiteCode | None = PydanticField(default=None, description="A site code (see the needs' `site`).")
    skills: SkillRows[ProfileSkillCreate] = Field(default_factory=list)

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in LANGUAGES]
        if unknown:
            raise refused("profile_languages", _l("Unknown language: %(codes)s.", codes=", ".join(unknown)))
        return list(dict.fromkeys(value))

    @field_validator("causes")
    @classmethod
    def _known_causes(cls, value: list[str]) -> list[str]:
        known = {c["code"] for c in load_causes()}
        unknown = [code for code in value if code not in known]
        if unknown:
            raise refused("profile_causes", _l("Unknown cause: %(codes)s.", codes=", ".join(unknown)))
        return list(dict.fromkeys(value))


class ProfilePublic(SQLModel):
    """A profile as the API shows it (not a ProfileBase: a response documents no input limits)."""

    user_id: int
    department: str
    bio: str
    site: str | None
    hours_per_month: int
    available_weekdays: bool
    available_weekends: bool
    available_evenings: bool
    remote_ok: bool
    travel_ok: bool = False
    is_suggestible: bool
    languages: list[str]
    causes: list[str]
    skills: list[ProfileSkillPublic]
    updated_at: datetime | None = None
