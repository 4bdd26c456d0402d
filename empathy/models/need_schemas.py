"""The need's schema family: the limits of every field of a need, written once.

`NeedBase` holds the fields a coordinator writes; the table `Need` (models.needs), the request bodies
`NeedCreate` / `NeedUpdate` and the web form all take their limits from it. `NeedPublic` is what the API
answers. Rules that need the database (the site exists, skill names through the taxonomy, seats already
taken) stay in empathy.needs.services.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pydantic import Field as PydanticField
from pydantic import ValidationInfo, field_validator, model_validator
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.data import load_causes
from empathy.models.fields import STRICT, Str, When, refused, text, worded
from empathy.models.profile_schemas import LANGUAGES, Level, SiteCode, SkillName, SkillRows
from empathy.models.statuses import NeedStatus

# The stored values as plain strings, in the enum's order (the CHECK constraint and the document list them).
NEED_STATUSES = tuple(str(v) for v in NeedStatus)
IMPORTANCES = ("must", "nice")
MAX_TITLE = 200
MAX_DESCRIPTION = 10000
MAX_CAUSE = 40
MAX_BENEFICIARY = 200
MAX_SEATS = 10000
MAX_HOURS = 1000
MAX_LANGUAGES = 20


Importance = Annotated[Literal[IMPORTANCES],
                       worded("need_importance", _l("Choose must-have or nice-to-have."), "literal_error")]
NeedStatusValue = Literal[NEED_STATUSES]
Title = Annotated[text(strip=True, min_length=1, max_length=MAX_TITLE),
                  worded("need_title", _l("Enter a title."), "string_too_short")]
Description = text(strip=True, max_length=MAX_DESCRIPTION)
Cause = text(max_length=MAX_CAUSE)
Beneficiary = text(strip=True, max_length=MAX_BENEFICIARY)
Seats = Annotated[int, Field(ge=1, le=MAX_SEATS),
                  worded("need_seats", _l("Enter a number of seats from 1 to %(n)d.", n=MAX_SEATS),
                         "greater_than_equal", "less_than_equal")]
Hours = Annotated[float, Field(gt=0, le=MAX_HOURS),
                  worded("need_hours", _l("Enter hours above 0 and at most %(n)d.", n=MAX_HOURS),
                         "greater_than", "less_than_equal")]
Languages = Annotated[list[Str], Field(max_length=MAX_LANGUAGES)]

# --- the skills a need asks for ----------------------------------------------------------------


class NeedSkillBase(SQLModel):
    importance: Importance = Field(default="must", sa_type=sa.String(10))
    min_level: Level = 1


class NeedSkillCreate(NeedSkillBase):
    """One skill row as a coordinator writes it: any label or synonym of a skill."""

    model_config = STRICT

    name: SkillName


class NeedSkillPublic(SQLModel):
    """A skill row as the API shows it (a response: no input limits in its schema)."""

    name: str
    label_en: str
    label_zh: str
    importance: Importance
    min_level: int


# --- the need ----------------------------------------------------------------------------------


class NeedBase(SQLModel):
    title: Title
    description: Description = Field(default="", sa_type=sa.Text)
    cause: Cause = Field(description="A cause code, e.g. `education`.")
    beneficiary: Beneficiary = ""
    starts_at: When = Field(sa_type=UTCDateTime)
    ends_at: When = Field(sa_type=UTCDateTime)
    seats: Seats = 1
    hours_per_volunteer: Hours = 4.0
    requires_approval: bool = False
    # Hours logged for one day are capped at the part of the need's run on that day, unless the coordinator
    # allows more here (preparation, travel): then only the 24-hour day limits them.
    allows_extra_hours: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()},
                                     description="Volunteers may log more hours for a day than the need runs "
                                                 "that day (at most 24).")
    # Languages volunteers should speak (ISO 639-1), empty when any will do.
    languages: Languages = Field(default_factory=list, sa_type=sa.JSON, nullable=False,
                                 description="Language codes volunteers should speak (as in profiles); empty: any.")


class NeedCreate(NeedBase):
    """A whole need as a coordinator writes it; the site is given by its code (or id, from the web form)."""

    model_config = STRICT

    remote: bool = False
    # validate_default (which SQLModel's Field lacks): a need with no site must be remote.
    site: SiteCode | None = PydanticField(default=None, validate_default=True,
                                          description="A site code; omit for a remote need.")
    skills: SkillRows[NeedSkillCreate] = Field(default_factory=list)

    @field_validator("cause")
    @classmethod
    def _known_cause(cls, value: str) -> str:
        if value not in {c["code"] for c in load_causes()}:
            raise refused("need_cause", _l("Choose one of the listed causes."))
        return value

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        if any(code not in LANGUAGES for code in value):
            raise refused("need_languages", _l("Choose languages from the list."))
        return list(dict.fromkeys(value))

    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, value: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if starts_at is not None and value < starts_at:
            raise refused("need_dates", _l("The end must not be before the start."))
        return value

    @field_validator("site")
    @classmethod
    def _site_or_remote(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value and not info.data.get("remote"):
            raise refused("need_site", _l("Choose a site, or mark the need as remote."))
        return value or None


# Of NeedUpdate's fields, only these may be emptied with null; null elsewhere keeps the stored value.
NULLABLE = frozenset({"site"})


class NeedUpdate(SQLModel):
    """Some fields of a need; merged onto the stored need, the result is checked as a NeedCreate."""

    model_config = STRICT

    title: Title | None = None
    description: Description | None = None
    cause: Cause | None = None
    beneficiary: Beneficiary | None = None
    site: SiteCode | None = None
    remote: bool | None = None
    starts_at: When | None = None
    ends_at: When | None = None
    seats: Seats | None = None
    hours_per_volunteer: Hours | None = None
    requires_approval: bool | None = None
    allows_extra_hours: bool | None = None
    skills: SkillRows[NeedSkillCreate] | None = None
    languages: Languages | None = None

    @model_validator(mode="after")
    def _null_keeps_the_value(self) -> NeedUpdate:
        # The API always read `"title": null` as "leave the title": model_dump(exclude_unset=True) must agree.
        for name in self.model_fields_set - NULLABLE:
            if getattr(self, name) is None:
                self.model_fields_set.discard(name)
        return self

    def merged_onto(self, current: dict) -> NeedCreate:
        """`current` (a stored need as NeedCreate fields) with this update's fields, checked as a whole need.

        Raises pydantic.ValidationError when the result breaks a rule (e.g. the new end is before the old start)."""
        return NeedCreate.model_validate({**current, **self.model_dump(exclude_unset=True)})


class NeedPublic(SQLModel):
    """A need as the API shows it.

    Not a NeedBase: a response documents no input limits, and the published document lists its fields in
    this order."""

    id: int
    title: str
    description: str
    cause: str
    beneficiary: str
    site: str | None
    remote: bool
    starts_at: datetime
    ends_at: datetime
    seats: int
    seats_taken: int
    hours_per_volunteer: float
    requires_approval: bool
    allows_extra_hours: bool
    status: NeedStatusValue
    owner_id: int | None
    skills: list[NeedSkillPublic]
    languages: list[str]
    credentials: list[str] = Field(description="Credential kinds every volunteer must hold, valid and verified, "
                                               "before they are confirmed.")
    sequence: int = Field(default=0, description="Raised at each change of time, place or cancellation: the "
                                                 "SEQUENCE of the need's calendar entries.")
    created_at: datetime
    updated_at: datetime
