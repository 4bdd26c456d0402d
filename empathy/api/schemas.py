"""The API's shared bodies (pydantic models; the OpenAPI document is made from them).

The base classes and field types every domain's schemas build on, problems and paging, and the bodies
of the needs API (need, its people and sign-ups), which other domains' operations answer too. Every
other body lives in its domain's `schemas.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from empathy.models.fields import Str, iso_text
from empathy.models.need_schemas import (
    STRICT,
    NeedCreate,
    NeedPublic,
    NeedSkillCreate,
    NeedSkillPublic,
    NeedUpdate,
    SkillRows,
)

MAX_ID = 2**31 - 1  # the database's integer range: larger ids can only be unknown


Day = Annotated[date, Field(strict=False), BeforeValidator(iso_text)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Model(BaseModel):
    """Request bodies: JSON types as the document says (no "1" for 1, no false for 0), unknown fields refused."""

    model_config = STRICT


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

# The need family (empathy.models.need_schemas) under the names the OpenAPI document has always published.
# The document names a nested schema after its class, so the subclasses only narrow the skill rows' class.


class NeedSkillIn(NeedSkillCreate):
    pass


class NeedIn(NeedCreate):
    skills: SkillRows[NeedSkillIn] = Field(default_factory=list)


class NeedPatch(NeedUpdate):
    """Only the fields given change; `skills`, when given, replaces the whole list."""

    skills: SkillRows[NeedSkillIn] | None = None


class NeedSkillOut(NeedSkillPublic):
    pass


class NeedOut(NeedPublic):
    skills: list[NeedSkillOut]


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
