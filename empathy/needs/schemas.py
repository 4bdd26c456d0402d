"""The API's bodies for needs: the need family (empathy.models.need_schemas) under the names the OpenAPI
document has always published, the list query, and the presenter that turns rows into `NeedOut`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlmodel import Session

from empathy.api.schemas import Listing, Paging, Str
from empathy.core.labels import site_codes
from empathy.models import Need
from empathy.models.need_schemas import (
    NEED_STATUSES,
    NeedCreate,
    NeedPublic,
    NeedSkillCreate,
    NeedSkillPublic,
    NeedUpdate,
    SkillRows,
)
from empathy.needs.query import need_credentials, need_skill_rows

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


class NeedChangeOut(NeedOut):
    people_told: int = Field(description="How many people invited, awaiting approval or confirmed were told of a "
                                         "new time or place, or of the cancellation (in-app and by e-mail).")
    people_clashing: list[str] = Field(default_factory=list, description="After a move: the people committed to this "
                                       "need who are also committed to another need at the new time (display names).")


class NeedList(Listing):
    items: list[NeedOut]


class NeedQuery(Paging):
    q: Str = Field(default="", max_length=200)
    status: Literal[("", *NEED_STATUSES)] = ""
    cause: Str = Field(default="", max_length=40)
    site: Str = Field(default="", max_length=60)
    remote: bool | None = None
    mine: bool = Field(default=False, description="Only needs the caller owns.")


# The fields a NeedOut copies from the row as they are; the others are looked up or renamed below.
_AS_STORED = frozenset(NeedOut.model_fields) & frozenset(Need.model_fields)


def needs_out(session: Session, needs: list[Need]) -> list[NeedOut]:
    """Rows to response bodies, with their skills (must-haves first), credentials and site codes: three queries."""
    ids = [n.id for n in needs]
    skills = {i: [NeedSkillOut(name=skill.name, label_en=skill.label_en, label_zh=skill.label_zh,
                               importance=ns.importance, min_level=ns.min_level) for ns, skill in rows]
              for i, rows in need_skill_rows(session, ids).items()}
    creds = need_credentials(session, ids)
    codes = site_codes(session) if needs else {}
    return [
        NeedOut(**n.model_dump(include=_AS_STORED), site=codes.get(n.site_id) if n.site_id else None,
                remote=n.is_remote, skills=skills[n.id], credentials=creds[n.id])
        for n in needs
    ]


def need_out(session: Session, need: Need) -> NeedOut:
    """One row to its response body (see `needs_out`)."""
    return needs_out(session, [need])[0]
