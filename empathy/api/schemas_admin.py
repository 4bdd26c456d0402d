"""Request and response bodies of the API's management endpoints: the people board, teams, admin data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from empathy.api.schemas import Day, Id, Listing, Model, Out, Paging, Query, ReportTable, Str
from empathy.models import CREDENTIAL_KINDS

# --- the people board and teams -----------------------------------------------------------------


class BoardPerson(Out):
    match_id: int
    user_id: int
    display_name: str
    status: str
    message: str
    reason: str
    email: str | None = Field(description="Only for people who signed up or hold a seat and let coordinators of "
                                          "their needs see their e-mail address; null otherwise.")
    hours_approved: float
    hours_pending: float


class BoardOut(Out):
    need_id: int
    seats: int
    seats_taken: int
    seats_left: int
    has_started: bool
    columns: dict[str, list[BoardPerson]] = Field(description="invited, volunteered, confirmed (with attended "
                                                  "and no-show), declined, withdrawn, rejected, removed.")
    total_approved: float
    total_pending: float


class AttendanceIn(Model):
    attended: bool


class RemoveIn(Model):
    reason: Str = Field(min_length=1, max_length=1000)


class TeamMember(Out):
    user_id: int
    display_name: str
    score: float
    skills: list[str] = Field(description="The must-have skills they meet at the required level.")
    free_hours: float


class TeamOut(Out):
    ready: bool = Field(description="False until the matcher has been fitted (then the team is empty).")
    seats_left: int
    required: list[str]
    members: list[TeamMember]
    coverage: dict[str, list[int]]
    uncovered: list[str]
    total_score: float
    candidates: list[TeamMember]


# --- admin: users, skills, sites -----------------------------------------------------------------


class UserPath(Model):
    user_id: Id


class SkillPath(Model):
    skill_id: Id


class SitePath(Model):
    site_id: Id


class UserPatch(Model):
    role: Literal["employee", "coordinator", "admin"] | None = None
    active: bool | None = None


class SkillIn(Model):
    name: Str = Field(min_length=1, max_length=120)
    label_en: Str = Field(default="", max_length=120)
    label_zh: Str = Field(default="", max_length=120)
    category: Str = Field(default="other", max_length=40)
    synonyms: list[Str] = Field(default_factory=list, max_length=50)


class SkillPatch(Model):
    """Only the fields given change; `reviewed: true` accepts a typed-in skill."""

    name: Str | None = Field(default=None, min_length=1, max_length=120)
    label_en: Str | None = Field(default=None, max_length=120)
    label_zh: Str | None = Field(default=None, max_length=120)
    category: Str | None = Field(default=None, max_length=40)
    synonyms: list[Str] | None = Field(default=None, max_length=50)
    reviewed: bool | None = None


class MergeIn(Model):
    into: Id = Field(description="The skill that stays; every use of this one moves onto it.")


class AdminSkillQuery(Paging):
    q: Str = Field(default="", max_length=100)
    review: bool = Field(default=False, description="Only skills waiting for review.")


class SiteIn(Model):
    code: Str = Field(min_length=1, max_length=60)
    name_en: Str = Field(min_length=1, max_length=120)
    name_zh: Str = Field(default="", max_length=120)


class SitePatch(Model):
    code: Str | None = Field(default=None, min_length=1, max_length=60)
    name_en: Str | None = Field(default=None, min_length=1, max_length=120)
    name_zh: Str | None = Field(default=None, max_length=120)
    active: bool | None = None


class SiteOut(Out):
    id: int
    code: str
    name_en: str
    name_zh: str
    active: bool


class SiteList(Listing):
    items: list[SiteOut]


# --- credentials ------------------------------------------------------------------------------


class CredentialPath(Model):
    credential_id: Id


class NeedCredentialsIn(Model):
    kinds: list[Literal[CREDENTIAL_KINDS]] = Field(
        max_length=4, description="Every kind the need requires; an empty list requires none.")


class CredentialIn(Model):
    kind: Str = Field(min_length=1, max_length=40)
    expires_on: Day
    reference: Str = Field(default="", max_length=120)


class CredentialOut(Out):
    id: int
    user_id: int
    kind: str
    reference: str
    expires_on: date
    verified_at: datetime | None


class CredentialList(Listing):
    items: list[CredentialOut]


class UnverifiedQuery(Query):
    page: int = Field(default=1, ge=1, le=100000)


class SkillGapsOut(Out):
    few: int = Field(description="Below this many able employees a wanted skill counts as scarce.")
    wanted: ReportTable
    scarce: ReportTable
    unused: ReportTable
