"""The API's bodies for profiles, the skill taxonomy and credentials, and their presenters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from empathy.api.schemas import Day, Id, Listing, Model, Out, Paging, Query, Str
from empathy.models import CREDENTIAL_KINDS, Credential, EmployeeProfile, EmployeeSkill, Skill, User
from empathy.models.profile_schemas import (
    ProfilePublic,
    ProfileSkillCreate,
    ProfileSkillPublic,
    ProfileUpdate,
    SkillRows,
)

# --- skills and profiles --------------------------------------------------------------------


class SkillOut(Out):
    id: int
    name: str
    category: str
    label_en: str
    label_zh: str
    synonyms: list[str]
    related: list[str] = []  # canonical names of related skills, as written on this one
    needs_review: bool


class SkillList(Listing):
    items: list[SkillOut]


class SkillQuery(Paging):
    q: Str = Field(default="", max_length=100)


# The profile family (empathy.models.profile_schemas) under the names the OpenAPI document has always published.
# The document names a nested schema after its class, so the subclasses only narrow the skill rows' class.


class ProfileSkill(ProfileSkillCreate):
    pass


class ProfileIn(ProfileUpdate):
    skills: SkillRows[ProfileSkill] = Field(default_factory=list)


class ProfileSkillOut(ProfileSkillPublic):
    pass


class ProfileOut(ProfilePublic):
    skills: list[ProfileSkillOut]


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


# --- presenters: rows -> bodies -----------------------------------------------------------------


def skill_out(k: Skill) -> SkillOut:
    return SkillOut(id=k.id, name=k.name, category=k.category, label_en=k.label_en, label_zh=k.label_zh or "",
                    synonyms=list(k.synonyms or []), related=list(k.related or []), needs_review=k.needs_review)


def profile_out(user: User, profile: EmployeeProfile, skills: list[tuple[EmployeeSkill, Skill]],
                site: str | None) -> ProfileOut:
    """The profile with its skills; `site` is the code of the profile's site."""
    return ProfileOut(
        user_id=user.id, department=profile.department, bio=profile.bio, site=site,
        hours_per_month=profile.hours_per_month, available_weekdays=profile.available_weekdays,
        available_weekends=profile.available_weekends, available_evenings=profile.available_evenings,
        remote_ok=profile.remote_ok, travel_ok=profile.travel_ok, is_suggestible=profile.is_suggestible,
        languages=list(profile.languages or []), causes=list(profile.causes or []),
        skills=[ProfileSkillOut(name=k.name, label_en=k.label_en, label_zh=k.label_zh or "", level=es.level,
                                years=es.years, needs_review=k.needs_review) for es, k in skills],
        updated_at=profile.updated_at if profile.id else None,
    )


def credential_out(c: Credential) -> CredentialOut:
    return CredentialOut(id=c.id, user_id=c.user_id, kind=c.kind, reference=c.reference or "",
                         expires_on=c.expires_on, verified_at=c.verified_at)
