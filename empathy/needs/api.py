"""Needs: browse, create, change, publish and close; suggested people, invitations and sign-ups."""

from __future__ import annotations

from flask_openapi3 import Tag

from empathy.api import answers, base_url, bp, ok, present, send_mail
from empathy.api import schemas as s
from empathy.api.auth import BEARER, caller, roles
from empathy.core.db import get_session
from empathy.core.runtime import match_index, org_timezone
from empathy.needs import query as needs_query
from empathy.needs import services as needs
from empathy.volunteering.services import invitations, roster, signups

NEEDS = Tag(name="needs", description="Welfare needs and the people who help with them")


@bp.get("/needs", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedList))
def list_needs(query: s.NeedQuery):
    """Needs you may see (drafts only your own), soonest first."""
    session = get_session()
    site = present.site_by_code(session, query.site)
    if query.site and site is None:
        return ok(s.NeedList(items=[], total=0, page=query.page, per_page=query.per_page))
    page = needs_query.search_needs(
        session=session, viewer=caller(), query=query.q, status=query.status or None, cause=query.cause or None,
        site_id=site.id if site else None, remote=query.remote, owner_id=caller().id if query.mine else None,
        tz=org_timezone(), page=query.page, per_page=query.per_page)
    return ok(s.NeedList(items=present.needs_out(session, page.items), total=page.total, page=page.page,
                         per_page=page.per_page))


@bp.post("/needs", tags=[NEEDS], security=BEARER, responses=answers(201, s.NeedOut, 409))
@roles("coordinator")
def create_need(body: s.NeedIn):
    """Create a need as a draft (coordinators)."""
    need = needs.create_need(session=get_session(), owner=caller(), data=body)
    return ok(present.need_out(get_session(), need), 201)


@bp.get("/needs/<int:need_id>", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut))
def get_need(path: s.NeedPath):
    """One need with its skills."""
    detail = needs_query.get_need(session=get_session(), viewer=caller(), need_id=path.need_id)
    return ok(present.need_out(get_session(), detail.need))


@bp.patch("/needs/<int:need_id>", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut, 409))
@roles("coordinator")
def patch_need(path: s.NeedPath, body: s.NeedPatch):
    """Change some fields of a need (its coordinator or an administrator)."""
    need = needs.update_need(session=get_session(), actor=caller(), need_id=path.need_id, data=body)
    return ok(present.need_out(get_session(), need))


def _transition(action, need_id: int, **kwargs):
    need = action(session=get_session(), actor=caller(), need_id=need_id, **kwargs)
    send_mail()
    return ok(present.need_out(get_session(), need))


@bp.post("/needs/<int:need_id>/publish", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut, 409))
@roles("coordinator")
def publish_need(path: s.NeedPath):
    """Open a draft to volunteers."""
    return _transition(needs.publish_need, path.need_id)


@bp.post("/needs/<int:need_id>/close", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut, 409))
@roles("coordinator")
def close_need(path: s.NeedPath):
    """Stop taking volunteers."""
    return _transition(needs.close_need, path.need_id)


@bp.post("/needs/<int:need_id>/reopen", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut, 409))
@roles("coordinator")
def reopen_need(path: s.NeedPath):
    """Open a closed need again."""
    return _transition(needs.reopen_need, path.need_id)


@bp.post("/needs/<int:need_id>/cancel", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut, 409))
@roles("coordinator")
def cancel_need(path: s.NeedPath):
    """Cancel a need; its volunteers are told."""
    return _transition(roster.cancel_need, path.need_id, base_url=base_url())


@bp.get("/needs/<int:need_id>/suggestions", tags=[NEEDS], security=BEARER, responses=answers(200, s.CandidateList))
@roles("coordinator")
def need_suggestions(path: s.NeedPath, query: s.SuggestionQuery):
    """Employees who fit the need, best first (its coordinator or an administrator)."""
    found, _more = invitations.find_candidates(session=get_session(), index=match_index(), actor=caller(),
                                               need_id=path.need_id, limit=query.limit)
    items = [s.Candidate(user_id=c.user.id, display_name=c.user.display_name, department=c.profile.department,
                         score=c.score, explanation=c.explanation, lacking_credentials=c.lacking)
             for c in found or []]
    return ok(s.CandidateList(items=items, total=len(items), page=1, per_page=query.limit))


@bp.post("/needs/<int:need_id>/invitations", tags=[NEEDS], security=BEARER,
         responses=answers(200, s.InvitationsOut, 409))
@roles("coordinator")
def invite(path: s.NeedPath, body: s.InvitationsIn):
    """Invite employees to the need; returns how many were invited."""
    n = invitations.invite_employees(session=get_session(), index=match_index(), actor=caller(),
                                     need_id=path.need_id, user_ids=body.user_ids, message=body.message,
                                     base_url=base_url())
    send_mail()
    return ok(s.InvitationsOut(invited=n))


@bp.post("/needs/<int:need_id>/signup", tags=[NEEDS], security=BEARER, responses=answers(201, s.MatchOut, 409))
def signup(path: s.NeedPath, body: s.SignupIn):
    """Volunteer for a need: confirmed at once, or awaiting the coordinator's approval."""
    match = signups.volunteer(session=get_session(), user=caller(), need_id=path.need_id, message=body.message,
                              base_url=base_url())
    send_mail()
    return ok(present.match_out(match), 201)
