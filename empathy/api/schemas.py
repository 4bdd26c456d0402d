"""Request and response bodies of the JSON API (pydantic models; the OpenAPI document is made from them)."""

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


class MatchPath(Model):
    match_id: Id


class HoursPath(Model):
    record_id: Id


class NotificationPath(Model):
    notification_id: Id


# --- tokens and users -----------------------------------------------------------------------


class TokenRequest(Model):
    email: Str = Field(min_length=1, max_length=254)
    password: Str = Field(min_length=1, max_length=256)
    name: Str = Field(default="", max_length=100, description="A name to recognise the token by.")
    otp: Str = Field(default="", max_length=32, description="For accounts with two-factor sign-in: the code from "
                                                            "the authenticator app, or a recovery code.")


class TokenOut(Out):
    token: str
    expires_at: datetime


class UserOut(Out):
    id: int
    email: str
    display_name: str
    role: Literal["employee", "coordinator", "admin"]
    preferred_language: str | None = None


class AdminUserOut(UserOut):
    active: bool
    created_at: datetime


class UserList(Listing):
    items: list[AdminUserOut]


class UserQuery(Paging):
    q: Str = Field(default="", max_length=100)
    role: Literal["", "employee", "coordinator", "admin"] = ""


# --- skills and profiles --------------------------------------------------------------------


class SkillOut(Out):
    id: int
    name: str
    category: str
    label_en: str
    label_zh: str
    synonyms: list[str]
    needs_review: bool


class SkillList(Listing):
    items: list[SkillOut]


class SkillQuery(Paging):
    q: Str = Field(default="", max_length=100)


class ProfileSkill(Model):
    name: Str = Field(min_length=1, max_length=120, description="Any label or synonym; unknown names are "
                      "created and flagged for an administrator's review.")
    level: int = Field(default=2, ge=1, le=4, description="1 beginner, 2 intermediate, 3 advanced, 4 expert.")
    years: float | None = Field(default=None, ge=0, le=80)


class ProfileIn(Model):
    department: Str = Field(default="", max_length=120)
    bio: Str = Field(default="", max_length=5000)
    site: Str | None = Field(default=None, max_length=60, description="A site code (see the needs' `site`).")
    hours_per_month: int = Field(default=8, ge=0, le=744)
    available_weekdays: bool = True
    available_weekends: bool = True
    available_evenings: bool = False
    remote_ok: bool = True
    is_suggestible: bool = True
    languages: list[Str] = Field(default_factory=list, max_length=20)
    causes: list[Str] = Field(default_factory=list, max_length=20)
    skills: list[ProfileSkill] = Field(default_factory=list, max_length=100)


class ProfileSkillOut(Out):
    name: str
    label_en: str
    label_zh: str
    level: int
    years: float | None = None
    needs_review: bool


class ProfileOut(Out):
    user_id: int
    department: str
    bio: str
    site: str | None
    hours_per_month: int
    available_weekdays: bool
    available_weekends: bool
    available_evenings: bool
    remote_ok: bool
    is_suggestible: bool
    languages: list[str]
    causes: list[str]
    skills: list[ProfileSkillOut]
    updated_at: datetime | None = None


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


class SuggestedNeed(Out):
    need: NeedOut
    score: float
    explanation: dict[str, Any]


class SuggestedNeedList(Listing):
    items: list[SuggestedNeed]


class Candidate(Out):
    user_id: int
    display_name: str
    department: str
    score: float
    explanation: dict[str, Any]
    lacking_credentials: list[str]


class CandidateList(Listing):
    items: list[Candidate]


# --- workflow -------------------------------------------------------------------------------


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


class MyMatch(MatchOut):
    need_title: str
    need_starts_at: datetime
    need_ends_at: datetime
    need_status: str


class MyMatchList(Listing):
    items: list[MyMatch]


class HoursIn(Model):
    hours: float = Field(gt=0, le=24)
    worked_on: Day
    note: Str = Field(default="", max_length=1000)


class RejectIn(Model):
    reason: Str = Field(min_length=1, max_length=1000)


class HoursOut(Out):
    id: int
    need_id: int
    match_id: int | None
    user_id: int | None
    hours: float
    worked_on: Day
    note: str
    status: Literal["pending", "approved", "rejected"]
    rejection_reason: str | None
    reviewed_at: datetime | None
    created_at: datetime


class NotificationOut(Out):
    id: int
    kind: str
    text: str
    link: str
    read_at: datetime | None
    created_at: datetime


class NotificationList(Listing):
    items: list[NotificationOut]


class ReadOut(Out):
    changed: int


# --- admin and reports ----------------------------------------------------------------------


class ImportQuery(Query):
    dry_run: bool = Field(default=False, description="Check the file and report, writing nothing.")


class ImportIssueOut(Out):
    line: int
    field: str
    message: str


class ImportRowOut(Out):
    line: int
    email: str
    name: str
    action: Literal["created", "updated", "unchanged"]


class ImportOut(Out):
    dry_run: bool
    written: bool
    created: int
    updated: int
    unchanged: int
    errors: list[ImportIssueOut]
    warnings: list[ImportIssueOut]
    rows: list[ImportRowOut]
    new_skills: list[str]


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
