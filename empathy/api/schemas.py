"""The API's shared bodies (pydantic models; the OpenAPI document is made from them).

The base classes and field types every domain's schemas build on, problems, paging and the need path
parameter that several domains' operations take. Every other body lives in its domain's `schemas.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from empathy.core.inputs import MAX_ID
from empathy.models.fields import Str, iso_text
from empathy.models.need_schemas import STRICT

__all__ = ["ClashingNeed", "Day", "FieldError", "Id", "Listing", "Model", "NeedPath", "Out", "Paging", "Problem",
           "Query", "Str"]



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


class ClashingNeed(Out):
    """A need someone is already committed to (signed up, confirmed) that runs at the same time."""

    id: int | None = Field(description="Null when the need is another coordinator's to name.")
    title: str = Field(description="Empty when the need is another coordinator's to name.")
    starts_at: datetime
    ends_at: datetime


class Problem(Out):
    """An RFC 9457 problem document (media type application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] | None = None
    clashes_with: ClashingNeed | None = Field(
        default=None, description="On a 409 for a sign-up, an accepted invitation or an approval: the need the "
                                  "person is already committed to at that time (refused: nobody is double-booked).")


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
