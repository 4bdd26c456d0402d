"""Managing a need's people: its people board, attendance, removal, a proposed team."""

from __future__ import annotations

from empathy.api import answers, base_url, bp, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.schemas import NeedPath
from empathy.api.tags import MATCHES, NEEDS
from empathy.core.db import get_session
from empathy.core.i18n import ui_language
from empathy.core.runtime import org_timezone
from empathy.suggestions.runtime import match_index
from empathy.volunteering import schemas as s
from empathy.volunteering.schemas import MatchOut, match_out
from empathy.volunteering.services import roster, teams


@bp.get("/needs/<int:need_id>/people", tags=[NEEDS], security=BEARER, responses=answers(200, s.BoardOut))
@roles("coordinator")
def need_people(path: NeedPath):
    """The need's people by status, seats left and hours (its coordinator or an administrator)."""
    return ok(s.board_out(roster.people_board(session=get_session(), actor=caller(), need_id=path.need_id)))


@bp.get("/needs/<int:need_id>/team", tags=[NEEDS], security=BEARER, responses=answers(200, s.TeamOut))
@roles("coordinator")
def need_team(path: NeedPath, query: s.TeamQuery):
    """A proposed team covering the must-have skills first, or the coverage of your own choice (`member`), with a
    reason for everyone left out; invite it with POST /needs/{need_id}/invitations."""
    page = teams.build_team(session=get_session(), index=match_index(), actor=caller(), need_id=path.need_id,
                            chosen=query.member or None, language=ui_language(), tz=org_timezone())
    if page is None:
        return ok(s.no_team_out(roster.load_need(get_session(), path.need_id)))
    return ok(s.team_out(page))


@bp.post("/matches/<int:match_id>/attendance", tags=[MATCHES], security=BEARER,
         responses=answers(200, MatchOut, 409))
@roles("coordinator")
def mark_attendance(path: s.MatchPath, body: s.AttendanceIn):
    """Once the need has started, record whether a confirmed volunteer came."""
    match = roster.mark_attendance(session=get_session(), actor=caller(), match_id=path.match_id,
                                   attended=body.attended)
    return ok(match_out(match))


@bp.post("/matches/<int:match_id>/remove", tags=[MATCHES], security=BEARER, responses=answers(200, MatchOut, 409))
@roles("coordinator")
def remove_volunteer(path: s.MatchPath, body: s.RemoveIn):
    """Take a confirmed volunteer off the need with a reason; the seat is freed and they are told."""
    match = roster.remove_volunteer(session=get_session(), actor=caller(), match_id=path.match_id,
                                    reason=body.reason, base_url=base_url())
    return ok(match_out(match))
