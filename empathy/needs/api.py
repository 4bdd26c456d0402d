"""Needs: browse, create, change, publish, close, reopen and cancel."""

from __future__ import annotations

from flask import Response

from empathy.admin.services.sites import site_by_code
from empathy.api import answers, base_url, bp, idempotency, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.idempotency import idempotent
from empathy.api.schemas import NeedPath
from empathy.api.tags import NEEDS
from empathy.core.db import get_session
from empathy.core.runtime import org_timezone
from empathy.needs import query as needs_query
from empathy.needs import schemas as s
from empathy.needs import services as needs
from empathy.needs.schemas import need_out
from empathy.volunteering.services import roster


@bp.get("/needs", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedList))
def list_needs(query: s.NeedQuery):
    """Needs you may see (drafts only your own), soonest first."""
    session = get_session()
    site = site_by_code(session, query.site)
    if query.site and site is None:
        return ok(s.NeedList(items=[], total=0, page=query.page, per_page=query.per_page))
    page = needs_query.search_needs(
        session=session, viewer=caller(), query=query.q, status=query.status or None, cause=query.cause or None,
        site_id=site.id if site else None, remote=query.remote, owner_id=caller().id if query.mine else None,
        tz=org_timezone(), page=query.page, per_page=query.per_page)
    return ok(s.NeedList(items=s.needs_out(session, page.items), total=page.total, page=page.page,
                         per_page=page.per_page))


def need_again(session, need_id: int):
    """The need a repeated create answers with, or None if it was deleted since."""
    need = needs.find_need(session, need_id)
    return ok(need_out(session, need)) if need is not None else None


@bp.post("/needs", tags=[NEEDS], security=BEARER, responses=answers(201, s.NeedOut, 409))
@roles("coordinator")
@idempotent(201, need_again)
def create_need(body: s.NeedIn):
    """Create a need as a draft (coordinators)."""
    need = needs.create_need(session=get_session(), owner=caller(), data=body, submission=idempotency.submission())
    return ok(need_out(get_session(), need), 201)


@bp.get("/needs/<int:need_id>", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut))
def get_need(path: NeedPath):
    """One need with its skills."""
    detail = needs_query.get_need(session=get_session(), viewer=caller(), need_id=path.need_id)
    return ok(need_out(get_session(), detail.need))


def _changed(change):
    """The need after a change that may have told its people, with how many were told."""
    return ok(s.NeedChangeOut(**need_out(get_session(), change.need).model_dump(), people_told=len(change.told),
                                  people_clashing=change.clashing))


@bp.patch("/needs/<int:need_id>", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedChangeOut, 409))
@roles("coordinator")
def patch_need(path: NeedPath, body: s.NeedPatch):
    """Change some fields of a need (its coordinator or an administrator). A new time or place tells everyone
    invited, awaiting approval or confirmed (in-app and by e-mail); `people_told` says how many."""
    return _changed(needs.change_need(session=get_session(), actor=caller(), need_id=path.need_id, data=body,
                                      base_url=base_url()))


def _transition(action, need_id: int, **kwargs):
    need = action(session=get_session(), actor=caller(), need_id=need_id, **kwargs)
    return ok(need_out(get_session(), need))


@bp.post("/needs/<int:need_id>/publish", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut, 409))
@roles("coordinator")
def publish_need(path: NeedPath):
    """Open a draft to volunteers."""
    return _transition(needs.publish_need, path.need_id)


@bp.post("/needs/<int:need_id>/close", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut, 409))
@roles("coordinator")
def close_need(path: NeedPath):
    """Stop taking volunteers."""
    return _transition(needs.close_need, path.need_id)


@bp.post("/needs/<int:need_id>/reopen", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut, 409))
@roles("coordinator")
def reopen_need(path: NeedPath):
    """Open a closed need again."""
    return _transition(needs.reopen_need, path.need_id)


@bp.post("/needs/<int:need_id>/cancel", tags=[NEEDS], security=BEARER,
         responses=answers(200, s.NeedChangeOut, 409))
@roles("coordinator")
def cancel_need(path: NeedPath):
    """Cancel a need; everyone invited, awaiting approval or confirmed is told (`people_told`)."""
    return _changed(roster.cancel_need(session=get_session(), actor=caller(), need_id=path.need_id,
                                       base_url=base_url()))


@bp.delete("/needs/<int:need_id>", tags=[NEEDS], security=BEARER, responses=answers(204, None, 409))
@roles("coordinator")
def delete_need(path: NeedPath):
    """Delete a draft (its coordinator or an administrator); a published need answers 409: close or cancel it."""
    needs.delete_draft(session=get_session(), actor=caller(), need_id=path.need_id)
    return Response(status=204)
