"""The caller's side of volunteering: their commitments (also as a calendar file) and notifications."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response

from empathy.api import answers, base_url, bp, file_answers, ok
from empathy.api.auth import BEARER, caller
from empathy.api.schemas import Paging
from empathy.api.tags import ACCOUNT
from empathy.core.db import get_session
from empathy.volunteering import schemas as s
from empathy.volunteering.services import calendar, notifications, signups


@bp.get("/me/matches", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.MyMatchList))
def my_matches():
    """Your invitations, sign-ups and commitments, current and past."""
    c = signups.my_commitments(session=get_session(), user=caller())
    rows = [*c.invitations, *c.volunteered, *c.confirmed, *c.past]
    items = [s.my_match_out(m, n) for m, n in rows]
    return ok(s.MyMatchList(items=items, total=len(items), page=1, per_page=max(1, len(items))))


@bp.get("/me/commitments.ics", tags=[ACCOUNT], security=BEARER,
        responses=file_answers("text/calendar", "An iCalendar file."))
def commitments_ics():
    """Your commitments as an iCalendar file (RFC 5545): confirmed ones, and for 30 days those of a cancelled
    need or given back, as STATUS:CANCELLED. Each entry keeps its UID; its SEQUENCE grows when the need's time,
    place or status changes, so calendar apps replace the old copy."""
    host = urlsplit(base_url()).hostname or "empathy"
    body = calendar.commitments_calendar(session=get_session(), user=caller(), host=host)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="empathy-commitments.ics"'})


@bp.get("/me/notifications", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.NotificationList))
def my_notifications(query: Paging):
    """Your notifications, newest first."""
    page = notifications.list_notifications(session=get_session(), user=caller(), page=query.page,
                                            per_page=query.per_page)
    return ok(s.NotificationList(items=[s.notification_out(n) for n in page.items], total=page.total,
                                 page=page.page, per_page=page.per_page))


@bp.post("/me/notifications/read", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.ReadOut))
def read_all_notifications():
    """Mark all your notifications read."""
    return ok(s.ReadOut(changed=notifications.mark_read(session=get_session(), user=caller())))


@bp.post("/me/notifications/<int:notification_id>/read", tags=[ACCOUNT], security=BEARER,
         responses=answers(200, s.ReadOut))
def read_notification(path: s.NotificationPath):
    """Mark one of your notifications read."""
    changed = notifications.mark_read(session=get_session(), user=caller(), notification_id=path.notification_id)
    return ok(s.ReadOut(changed=changed))
