"""Suggestions: open needs for the caller, and employees for a need."""

from __future__ import annotations

from empathy.api import answers, bp, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.schemas import NeedPath
from empathy.api.tags import ACCOUNT, NEEDS
from empathy.core.db import get_session
from empathy.needs.schemas import needs_out
from empathy.suggestions import schemas as s
from empathy.suggestions import services as suggestions
from empathy.suggestions.runtime import match_index
from empathy.volunteering.services import invitations


@bp.get("/me/suggestions", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.SuggestedNeedList))
def my_suggestions(query: s.SuggestionQuery):
    """Open needs that fit your skills, best first (empty until the matcher has been fitted)."""
    session = get_session()
    found = suggestions.suggest_needs(session=session, index=match_index(), user=caller(), k=query.limit) or []
    needs = needs_out(session, [f.need for f in found])
    items = [s.SuggestedNeed(need=n, score=f.score, explanation=f.explanation) for n, f in zip(needs, found)]
    return ok(s.SuggestedNeedList(items=items, total=len(items), page=1, per_page=query.limit))


@bp.get("/needs/<int:need_id>/suggestions", tags=[NEEDS], security=BEARER, responses=answers(200, s.CandidateList))
@roles("coordinator")
def need_suggestions(path: NeedPath, query: s.SuggestionQuery):
    """Employees who fit the need, best first (its coordinator or an administrator)."""
    found, _more = invitations.find_candidates(session=get_session(), index=match_index(), actor=caller(),
                                               need_id=path.need_id, limit=query.limit)
    items = [s.Candidate(user_id=c.user.id, display_name=c.user.display_name, department=c.profile.department,
                         score=c.score, explanation=c.explanation, lacking_credentials=c.lacking)
             for c in found or []]
    return ok(s.CandidateList(items=items, total=len(items), page=1, per_page=query.limit))
