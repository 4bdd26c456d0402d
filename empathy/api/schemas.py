"""The API's shared bodies (pydantic models; the OpenAPI document is made from them).

The base classes and field types every domain's schemas build on, problems and paging, and the bodies
of the needs API (need, its people and sign-ups), which other domains' operations answer too. Every
other body lives in its domain's `schemas.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

MAX_ID = 2**31 - 1  # the database's integer range: larger ids can only be unknown


def _clean(value: str) -> str:
    # PostgreSQL refuses NUL characters, and a lone surrogate cannot be stored as UTF-8.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text is not valid Unicode") from None
    return value


def _sane_year(value: datetime) -> datetime:
    if not 1900 <= value.year <= 2200:
        raise ValueError("the year must be between 1900 and 2200")
    return value


def _iso_text(value):
    # Lax parsing would read a number as a Unix time; the document says a string.
    if isinstance(value, (int, float, bool)):
        raise ValueError("give an ISO 8601 string")
    return value


Str = Annotated[str, AfterValidator(_clean)]
When = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(_iso_text), AfterValidator(_sane_year)]
Day = Annotated[date, Field(strict=False), BeforeValidator(_iso_text)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Model(BaseModel):
    """Request bodies: JSON types as the document says (no "1" for 1, no false for 0), unknown fields refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class Out(BaseModel):
    """Response bodies: built by the server, never validated against input rules."""


# --- problems and lists ------------------------------------------------------------------


class FieldError(Out):
    field: str = Field(description="The body field, query parameter or path parameter at fault.")
    message: str


class Problem(Out):
    """An RFC 9457 problem document (media type application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] | None = None


class Listing(Out):
    total: int
    page: int
    per_page: int


class Query(Model):
    """Query strings: a parameter the API does not know is refused (422), as a typo would be."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=False)


class Paging(Query):
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=20, ge=1, le=100)


# --- path parameters ------------------------------------------------------------------------


class NeedPath(Model):
    need_id: Id


# --- needs ----------------------------------------------------------------------------------

NEED_STATUS = Literal["draft", "open", "filled", "closed", "completed", "cancelled"]


class NeedSkillIn(Model):
    name: Str = Field(min_length=1, max_length=120)
    importance: Literal["must", "nice"] = "must"
    min_level: int = Field(default=1, ge=1, le=4)


class NeedIn(Model):
    title: Str = Field(min_length=1, max_length=200)
    description: Str = Field(default="", max_length=10000)
    cause: Str = Field(max_length=40, description="A cause code, e.g. `education`.")
    beneficiary: Str = Field(default="", max_length=200)
    site: Str | None = Field(default=None, max_length=60, description="A site code; omit for a remote need.")
    remote: bool = False
    starts_at: When
    ends_at: When
    seats: int = Field(default=1, ge=1, le=10000)
    hours_per_volunteer: float = Field(default=4.0, gt=0, le=1000)
    requires_approval: bool = False
    skills: list[NeedSkillIn] = Field(default_factory=list, max_length=50)
    languages: list[Str] = Field(default_factory=list, max_length=20,
                                 description="Language codes volunteers should speak (as in profiles); empty: any.")


class NeedPatch(Model):
    """Only the fields given change; `skills`, when given, replaces the whole list."""

    title: Str | None = Field(default=None, min_length=1, max_length=200)
    description: Str | None = Field(default=None, max_length=10000)
    cause: Str | None = Field(default=None, max_length=40)
    beneficiary: Str | None = Field(default=None, max_length=200)
    site: Str | None = Field(default=None, max_length=60)
    remote: bool | None = None
    starts_at: When | None = None
    ends_at: When | None = None
    seats: int | None = Field(default=None, ge=1, le=10000)
    hours_per_volunteer: float | None = Field(default=None, gt=0, le=1000)
    requires_approval: bool | None = None
    skills: list[NeedSkillIn] | None = Field(default=None, max_length=50)
    languages: list[Str] | None = Field(default=None, max_length=20)


class NeedSkillOut(Out):
    name: str
    label_en: str
    label_zh: str
    importance: Literal["must", "nice"]
    min_level: int


class NeedOut(Out):
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
    status: NEED_STATUS
    owner_id: int | None
    skills: list[NeedSkillOut]
    languages: list[str]
    credentials: list[str] = Field(description="Credential kinds every volunteer must hold, valid and verified, "
                                               "before they are confirmed.")
    created_at: datetime
    updated_at: datetime


class NeedList(Listing):
    items: list[NeedOut]


class NeedQuery(Paging):
    q: Str = Field(default="", max_length=200)
    status: Literal["", "draft", "open", "filled", "closed", "completed", "cancelled"] = ""
    cause: Str = Field(default="", max_length=40)
    site: Str = Field(default="", max_length=60)
    remote: bool | None = None
    mine: bool = Field(default=False, description="Only needs the caller owns.")


class SuggestionQuery(Query):
    limit: int = Field(default=20, ge=1, le=100)


class Candidate(Out):
    user_id: int
    display_name: str
    department: str
    score: float
    explanation: dict[str, Any]
    lacking_credentials: list[str]


class CandidateList(Listing):
    items: list[Candidate]


# --- a need's people: suggested, invited, signed up ---------------------------------------------


class InvitationsIn(Model):
    user_ids: list[Id] = Field(min_length=1, max_length=100)
    message: Str = Field(default="", max_length=1000)


class InvitationsOut(Out):
    invited: int


class SignupIn(Model):
    message: Str = Field(default="", max_length=1000)


class MatchOut(Out):
    id: int
    need_id: int
    user_id: int
    status: str
    message: str
    reason: str
    score: float | None
    responded_at: datetime | None
    created_at: datetime
    updated_at: datetime
