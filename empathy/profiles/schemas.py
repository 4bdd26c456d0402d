"""The API's bodies for profiles, the skill taxonomy and credentials, and their presenters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from empathy.api.schemas import Day, Id, Listing, Model, Out, Paging, Query, Str
from empathy.models import CREDENTIAL_KINDS, Credential, EmployeeProfile, EmployeeSkill, Skill, User

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
                    synonyms=list(k.synonyms or []), needs_review=k.needs_review)


def profile_out(user: User, profile: EmployeeProfile, skills: list[tuple[EmployeeSkill, Skill]],
                site: str | None) -> ProfileOut:
    """The profile with its skills; `site` is the code of the profile's site."""
    return ProfileOut(
        user_id=user.id, department=profile.department, bio=profile.bio, site=site,
        hours_per_month=profile.hours_per_month, available_weekdays=profile.available_weekdays,
        available_weekends=profile.available_weekends, available_evenings=profile.available_evenings,
        remote_ok=profile.remote_ok, is_suggestible=profile.is_suggestible,
        languages=list(profile.languages or []), causes=list(profile.causes or []),
        skills=[ProfileSkillOut(name=k.name, label_en=k.label_en, label_zh=k.label_zh or "", level=es.level,
                                years=es.years, needs_review=k.needs_review) for es, k in skills],
        updated_at=profile.updated_at if profile.id else None,
    )


def credential_out(c: Credential) -> CredentialOut:
    return CredentialOut(id=c.id, user_id=c.user_id, kind=c.kind, reference=c.reference or "",
                         expires_on=c.expires_on, verified_at=c.verified_at)
