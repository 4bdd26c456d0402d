"""Suggestions: open needs for the caller, and employees for a need."""

from __future__ import annotations

from empathy.admin.services.sites import site_by_code
from empathy.api import answers, bp, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.schemas import NeedPath
from empathy.api.tags import ACCOUNT, NEEDS
from empathy.core.db import get_session
from empathy.core.runtime import org_timezone
from empathy.needs.schemas import needs_out
from empathy.suggestions import schemas as s
from empathy.suggestions import services as suggestions
from empathy.suggestions.runtime import match_index
from empathy.volunteering.services import invitations


@bp.get("/me/suggestions", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.SuggestedNeedList))
def my_suggestions(query: s.SuggestionQuery):
    """Open needs that fit your skills, best first (empty until the matcher has been fitted)."""
    session = get_session()
    page = suggestions.suggest_needs_page(session=session, index=match_index(), user=caller(), k=query.limit)
    found = page.items if page else []
    needs = needs_out(session, [f.need for f in found])
    items = [s.SuggestedNeed(need=n, score=f.score, explanation=f.explanation) for n, f in zip(needs, found)]
    return ok(s.SuggestedNeedList(items=items, total=len(items), page=1, per_page=query.limit,
                                  left_out=page.left_out if page else 0))


@bp.get("/needs/<int:need_id>/suggestions", tags=[NEEDS], security=BEARER, responses=answers(200, s.CandidateList))
@roles("coordinator")
def need_suggestions(path: NeedPath, query: s.CandidateQuery):
    """Employees who fit the need, best first, filtered and paged as on its page (its coordinator or an admin)."""
    session = get_session()
    site = site_by_code(session, query.site) if query.site else None
    if query.site and site is None:
        return ok(s.CandidateList(items=[], total=0, page=query.page, per_page=query.per_page))
    filters = invitations.SuggestionFilters(
        department=query.department.strip(), site_id=site.id if site else None, weekdays=query.weekdays,
        weekends=query.weekends, min_level=query.min_level, min_band=query.min_band, available=query.available,
        has_credentials=query.has_credentials)
    found = invitations.candidate_page(session=session, index=match_index(), actor=caller(), need_id=path.need_id,
                                       filters=filters, page=query.page, per_page=query.limit or query.per_page,
                                       tz=org_timezone())
    if found is None:
        return ok(s.CandidateList(items=[], total=0, page=query.page, per_page=query.limit or query.per_page))
    items = [s.Candidate(user_id=c.user.id, display_name=c.user.display_name, department=c.profile.department,
                         score=c.score, explanation=c.explanation, lacking_credentials=c.lacking)
             for c in found.items]
    return ok(s.CandidateList(items=items, total=found.total, page=found.page, per_page=found.per_page,
                              fitting=found.fitting, left_out=found.left_out))
