"""Open needs suggested to the caller."""

from __future__ import annotations

from empathy.api import answers, bp, ok, present
from empathy.api.auth import BEARER, caller
from empathy.api.schemas import SuggestionQuery
from empathy.api.tags import ACCOUNT
from empathy.core.db import get_session
from empathy.core.runtime import match_index
from empathy.suggestions import schemas as s
from empathy.suggestions import services as suggestions


@bp.get("/me/suggestions", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.SuggestedNeedList))
def my_suggestions(query: SuggestionQuery):
    """Open needs that fit your skills, best first (empty until the matcher has been fitted)."""
    session = get_session()
    found = suggestions.suggest_needs(session=session, index=match_index(), user=caller(), k=query.limit) or []
    needs = present.needs_out(session, [f.need for f in found])
    items = [s.SuggestedNeed(need=n, score=f.score, explanation=f.explanation) for n, f in zip(needs, found)]
    return ok(s.SuggestedNeedList(items=items, total=len(items), page=1, per_page=query.limit))
