"""Sign-ups: invite and volunteer, answer invitations, withdraw, log hours; coordinators decide and review."""

from __future__ import annotations

from flask import current_app

from empathy.api import answers, base_url, bp, idempotency, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.idempotency import idempotent
from empathy.api.schemas import NeedPath
from empathy.api.tags import MATCHES, NEEDS
from empathy.core.db import get_session
from empathy.core.runtime import org_timezone
from empathy.suggestions.runtime import match_index
from empathy.volunteering import schemas as s
from empathy.volunteering.schemas import MatchOut, SignupIn, match_out
from empathy.volunteering.services import hours, invitations, roster, signups


def _employee_act(action, match_id: int, **kwargs):
    match = action(session=get_session(), user=caller(), match_id=match_id, **kwargs)
    return ok(match_out(match))


@bp.post("/matches/<int:match_id>/accept", tags=[MATCHES], security=BEARER, responses=answers(200, MatchOut, 409))
def accept(path: s.MatchPath):
    """Accept an invitation: it takes a seat.

    409 when you are committed to another need at that time (the problem's `clashes_with` names it);
    403 for the need's own coordinator."""
    return _employee_act(signups.accept_invitation, path.match_id, base_url=base_url())


@bp.post("/matches/<int:match_id>/decline", tags=[MATCHES], security=BEARER, responses=answers(200, MatchOut, 409))
def decline(path: s.MatchPath):
    """Decline an invitation."""
    return _employee_act(signups.decline_invitation, path.match_id)


@bp.post("/matches/<int:match_id>/withdraw", tags=[MATCHES], security=BEARER,
         responses=answers(200, MatchOut, 409))
def withdraw(path: s.MatchPath):
    """Step back from a need before it starts."""
    return _employee_act(signups.withdraw, path.match_id)


def _hours_again(session, record_id: int):
    record = hours.find_record(session, record_id)
    return ok(s.hours_out(record)) if record is not None else None


def _match_again(session, match_id: int):
    match = signups.find_match(session, match_id)
    return ok(match_out(match)) if match is not None else None


@bp.post("/matches/<int:match_id>/hours", tags=[MATCHES], security=BEARER, responses=answers(201, s.HoursOut, 409))
@idempotent(201, _hours_again)
def log_hours(path: s.MatchPath, body: s.HoursIn):
    """Log hours you gave; they wait for the coordinator's approval.

    `worked_on` must be one of the need's own local days (its end is exclusive: a need ending at 00:00 does not
    reach the next day), and the hours at most as long as the need ran that day unless the need
    `allows_extra_hours` (422 on the field). An entry identical to one already logged is refused (409)."""
    record = hours.log_hours(session=get_session(), user=caller(), match_id=path.match_id, hours=body.hours,
                             worked_on=body.worked_on, note=body.note, tz=org_timezone(),
                             submission=idempotency.submission())
    return ok(s.hours_out(record), 201)


@bp.post("/matches/<int:match_id>/approve", tags=[MATCHES], security=BEARER,
         responses=answers(200, MatchOut, 409))
@roles("coordinator")
def approve_volunteer(path: s.MatchPath):
    """Confirm a volunteer who awaits approval (the need's coordinator or an administrator).

    409 when they are committed to another need at that time (`clashes_with`; another coordinator's need
    unnamed)."""
    match = roster.approve_volunteer(session=get_session(), actor=caller(), match_id=path.match_id,
                                     base_url=base_url())
    return ok(match_out(match))


@bp.post("/matches/<int:match_id>/reject", tags=[MATCHES], security=BEARER,
         responses=answers(200, MatchOut, 409))
@roles("coordinator")
def reject_volunteer(path: s.MatchPath, body: SignupIn):
    """Turn down a volunteer who awaits approval; `message` is the reason."""
    match = roster.reject_volunteer(session=get_session(), actor=caller(), match_id=path.match_id,
                                    reason=body.message)
    return ok(match_out(match))


@bp.post("/hours/<int:record_id>/approve", tags=[MATCHES], security=BEARER, responses=answers(200, s.HoursOut, 409))
@roles("coordinator")
def approve_hours(path: s.HoursPath):
    """Approve pending hours (the need's coordinator or an administrator).

    403 for one's own hours while someone else may review them (the need's coordinator or another
    administrator); when nobody else can, one reviews them oneself, and the audit log says so."""
    record = hours.approve_hours(session=get_session(), actor=caller(), record_id=path.record_id,
                                 base_url=base_url())
    return ok(s.hours_out(record))


@bp.post("/hours/approve", tags=[MATCHES], security=BEARER, responses=answers(200, s.HoursApproved, 409))
@roles("coordinator")
def approve_many_hours(body: s.BulkHoursIn):
    """Approve several pending hours records at once, all or none (the needs' coordinator or an administrator).

    Nothing is approved when one of them is not found (404), is on another coordinator's need or is your own
    (403), or is no longer pending (409, e.g. reviewed meanwhile). `items` are the approved records, in the
    order sent; a repeated id counts once."""
    records = hours.approve_many_hours(session=get_session(), actor=caller(), record_ids=body.record_ids,
                                       base_url=base_url())
    return ok(s.HoursApproved(items=[s.hours_out(r) for r in records]))


@bp.post("/hours/<int:record_id>/reject", tags=[MATCHES], security=BEARER, responses=answers(200, s.HoursOut, 409))
@roles("coordinator")
def reject_hours(path: s.HoursPath, body: s.RejectIn):
    """Reject pending hours with a reason (403 for one's own hours, as for approving)."""
    record = hours.reject_hours(session=get_session(), actor=caller(), record_id=path.record_id,
                                reason=body.reason, base_url=base_url())
    return ok(s.hours_out(record))


@bp.post("/needs/<int:need_id>/invitations", tags=[NEEDS], security=BEARER,
         responses=answers(200, s.InvitationsOut, 409))
@roles("coordinator")
@idempotent(200, lambda _session, invited: ok(s.InvitationsOut(invited=invited)))
def invite(path: NeedPath, body: s.InvitationsIn):
    """Invite employees to the need; returns how many were invited."""
    n = invitations.invite_employees(session=get_session(), index=match_index(), actor=caller(),
                                     need_id=path.need_id, user_ids=body.user_ids, message=body.message,
                                     base_url=base_url(), secret_key=current_app.config["SECRET_KEY"],
                                     submission=idempotency.submission())
    return ok(s.InvitationsOut(invited=n))


@bp.post("/needs/<int:need_id>/signup", tags=[NEEDS], security=BEARER, responses=answers(201, s.MatchOut, 409))
@idempotent(201, _match_again)
def signup(path: NeedPath, body: s.SignupIn):
    """Volunteer for a need: confirmed at once, or awaiting the coordinator's approval.

    409 when you are committed (signed up or confirmed) to another need whose time overlaps this one: nobody is
    double-booked, and the problem's `clashes_with` names that need. 403 for the need's own coordinator, who
    leads it rather than signing up."""
    match = signups.volunteer(session=get_session(), user=caller(), need_id=path.need_id, message=body.message,
                              base_url=base_url(), submission=idempotency.submission())
    return ok(s.match_out(match), 201)
