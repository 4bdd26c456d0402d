"""The API's bodies for suggestions: needs suggested to the caller, and employees suggested for a need."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from empathy.api.schemas import Listing, Out, Query
from empathy.needs.schemas import NeedOut


class SuggestedNeed(Out):
    need: NeedOut
    score: float
    explanation: dict[str, Any]


class SuggestedNeedList(Listing):
    items: list[SuggestedNeed]


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
