"""The API's bodies for needs suggested to the caller (the query is shared: `SuggestionQuery`)."""

from __future__ import annotations

from typing import Any

from empathy.api.schemas import Listing, NeedOut, Out


class SuggestedNeed(Out):
    need: NeedOut
    score: float
    explanation: dict[str, Any]


class SuggestedNeedList(Listing):
    items: list[SuggestedNeed]
