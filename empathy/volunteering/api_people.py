"""Managing a need's people: duplicate a need, its people board, attendance, removal, a proposed team."""

from __future__ import annotations

from flask_babel import get_locale

from empathy.api import answers, bp, ok, present, send_mail
from empathy.api import schemas as s
from empathy.api import schemas_admin as sa
from empathy.api.auth import BEARER, caller, roles
from empathy.core.db import get_session
from empathy.core.runtime import match_index
from empathy.models import HoursStatus
from empathy.needs import services as needs
from empathy.needs.api import NEEDS
from empathy.volunteering.api import MATCHES
from empathy.volunteering.services import roster, teams


@bp.post("/needs/<int:need_id>/duplicate", tags=[NEEDS], security=BEARER, responses=answers(201, s.NeedOut, 409))
@roles("coordinator")
def duplicate_need(path: s.NeedPath):
    """Copy a need you can see (details and skills) as a new draft you own."""
    need = needs.duplicate_need(session=get_session(), actor=caller(), need_id=path.need_id)
    return ok(present.need_out(get_session(), need), 201)


@bp.get("/needs/<int:need_id>/people", tags=[NEEDS], security=BEARER, responses=answers(200, sa.BoardOut))
@roles("coordinator")
def need_people(path: s.NeedPath):
    """The need's people by status, seats left and hours (its coordinator or an administrator)."""
    board = roster.people_board(session=get_session(), actor=caller(), need_id=path.need_id)
    columns = {
        name: [sa.BoardPerson(match_id=m.id, user_id=u.id, display_name=u.display_name, status=m.status,
                              message=m.message or "", reason=m.reason or "", email=board.contacts.get(u.id),
                              hours_approved=board.hours.get(u.id, {}).get(HoursStatus.APPROVED, 0.0),
                              hours_pending=board.hours.get(u.id, {}).get(HoursStatus.PENDING, 0.0)) for m, u in rows]
        for name, rows in board.columns.items()}
    n = board.need
    return ok(sa.BoardOut(need_id=n.id, seats=n.seats, seats_taken=n.seats_taken, seats_left=board.seats_left,
                          has_started=board.has_started, columns=columns, total_approved=board.total_approved,
                          total_pending=board.total_pending))


@bp.get("/needs/<int:need_id>/team", tags=[NEEDS], security=BEARER, responses=answers(200, sa.TeamOut))
@roles("coordinator")
def need_team(path: s.NeedPath):
    """A proposed team covering the must-have skills; invite it with POST /needs/{need_id}/invitations."""
    page = teams.build_team(session=get_session(), index=match_index(), actor=caller(), need_id=path.need_id,
                            language=str(get_locale() or "en").split("_")[0])
    if page is None:
        need = roster.load_need(get_session(), path.need_id)
        return ok(sa.TeamOut(ready=False, seats_left=max(0, need.seats - need.seats_taken), required=[], members=[],
                             coverage={}, uncovered=[], total_score=0.0, candidates=[]))
    people = {tc.id: person for tc, person in page.candidates}

    def member(tc) -> sa.TeamMember:
        return sa.TeamMember(user_id=tc.id, display_name=people[tc.id].user.display_name, score=tc.score,
                             skills=sorted(tc.skills), free_hours=tc.free_hours)

    n = page.need
    return ok(sa.TeamOut(ready=True, seats_left=max(0, n.seats - n.seats_taken), required=page.required,
                         members=[member(m) for m in page.team.members], coverage=page.team.coverage,
                         uncovered=page.team.uncovered, total_score=page.team.total_score,
                         candidates=[member(tc) for tc, _c in page.candidates]))


@bp.post("/matches/<int:match_id>/attendance", tags=[MATCHES], security=BEARER,
         responses=answers(200, s.MatchOut, 409))
@roles("coordinator")
def mark_attendance(path: s.MatchPath, body: sa.AttendanceIn):
    """Once the need has started, record whether a confirmed volunteer came."""
    match = roster.mark_attendance(session=get_session(), actor=caller(), match_id=path.match_id,
                                   attended=body.attended)
    return ok(present.match_out(match))


@bp.post("/matches/<int:match_id>/remove", tags=[MATCHES], security=BEARER, responses=answers(200, s.MatchOut, 409))
@roles("coordinator")
def remove_volunteer(path: s.MatchPath, body: sa.RemoveIn):
    """Take a confirmed volunteer off the need with a reason; the seat is freed and they are told."""
    match = roster.remove_volunteer(session=get_session(), actor=caller(), match_id=path.match_id,
                                    reason=body.reason)
    send_mail()
    return ok(present.match_out(match))
