"""The match lifecycle through the API: sign-ups, hours, the people board, attendance, removal, teams,
and the caller's commitments."""

from datetime import date, timedelta

import pytest

from empathy.core.db import utcnow
from empathy.models import HoursRecord, Need
from tests.factories import make_match, make_need


@pytest.fixture
def need(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=3, seats_taken=1)


@pytest.fixture
def started(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=2, seats_taken=1,
                     starts_at=utcnow() - timedelta(hours=1))


def test_signup_accept_decline_withdraw(api, session, callers, need):
    r = api("POST", f"/needs/{need.id}/signup", "employee", json={"message": "Happy to help"})
    assert r.status_code == 201 and r.json["status"] == "confirmed"
    assert api("POST", f"/needs/{need.id}/signup", "employee", json={}).status_code == 409
    match_id = r.json["id"]
    assert api("POST", f"/matches/{match_id}/withdraw", "other").status_code == 403
    assert api("POST", f"/matches/{match_id}/withdraw", "employee").json["status"] == "withdrawn"
    invited = make_match(session, need, callers["other"].user, status="invited")
    assert api("POST", f"/matches/{invited.id}/accept", "employee").status_code == 403
    assert api("POST", f"/matches/{invited.id}/decline", "other").json["status"] == "declined"
    assert api("POST", f"/matches/{invited.id}/accept", "other").status_code == 409
    mine = api("GET", "/me/matches", "other").json
    assert mine["items"][0]["need_title"] == need.title


def test_hours_are_logged_and_reviewed_by_the_owner(api, session, callers):
    need = make_need(session, owner=callers["coord"].user, starts_at=utcnow() - timedelta(days=2),
                     ends_at=utcnow() + timedelta(days=1), allows_extra_hours=True)
    match = make_match(session, need, callers["employee"].user, status="confirmed")
    body = {"hours": 3, "worked_on": (date.today() - timedelta(days=1)).isoformat(), "note": "Done"}
    assert api("POST", f"/matches/{match.id}/hours", "other", json=body).status_code == 403
    assert api("POST", f"/matches/{match.id}/hours", "employee", json={**body, "hours": 30}).status_code == 422
    r = api("POST", f"/matches/{match.id}/hours", "employee", json=body)
    assert r.status_code == 201 and r.json["status"] == "pending"
    record_id = r.json["id"]
    assert api("POST", f"/hours/{record_id}/approve", "employee").status_code == 403
    assert api("POST", f"/hours/{record_id}/approve", "coord2").status_code == 403
    assert api("POST", f"/hours/{record_id}/reject", "coord", json={"reason": ""}).status_code == 422
    assert api("POST", f"/hours/{record_id}/approve", "coord").json["status"] == "approved"
    assert api("POST", f"/hours/{record_id}/approve", "coord").status_code == 409
    assert api("POST", f"/matches/{match.id}/hours", "employee", json=body).status_code == 409  # a repeat
    r2 = api("POST", f"/matches/{match.id}/hours", "employee", json={**body, "note": "Done, again"}).json["id"]
    r = api("POST", f"/hours/{r2}/reject", "admin", json={"reason": "Duplicate"})
    assert r.json["status"] == "rejected" and r.json["rejection_reason"] == "Duplicate"
    assert session.get(HoursRecord, record_id).status == "approved"


def test_people_board_for_owner_and_admin_only(api, session, callers, need):
    m = make_match(session, need, callers["employee"].user, status="confirmed")
    make_match(session, need, callers["other"].user, status="invited")
    assert api.statuses("GET", f"/needs/{need.id}/people") == {
        "employee": 403, "other": 403, "coord": 200, "coord2": 403, "admin": 200}
    body = api("GET", f"/needs/{need.id}/people", "coord").json
    assert body["seats_left"] == 2 and body["has_started"] is False
    assert [p["match_id"] for p in body["columns"]["confirmed"]] == [m.id]
    assert [p["user_id"] for p in body["columns"]["invited"]] == [callers["other"].user.id]
    assert body["total_approved"] == 0


def test_attendance_after_the_start(api, session, callers, need, started):
    early = make_match(session, need, callers["employee"].user, status="confirmed")
    r = api("POST", f"/matches/{early.id}/attendance", "coord", json={"attended": True})
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    m = make_match(session, started, callers["employee"].user, status="confirmed")
    assert api("POST", f"/matches/{m.id}/attendance", "coord2", json={"attended": True}).status_code == 403
    assert api("POST", f"/matches/{m.id}/attendance", "employee", json={"attended": True}).status_code == 403
    assert api("POST", f"/matches/{m.id}/attendance", "coord", json={"attended": "yes"}).status_code == 422
    r = api("POST", f"/matches/{m.id}/attendance", "coord", json={"attended": False})
    assert r.status_code == 200 and r.json["status"] == "no_show"
    r = api("POST", f"/matches/{m.id}/attendance", "admin", json={"attended": True})
    assert r.status_code == 200 and r.json["status"] == "attended"


def test_remove_a_confirmed_volunteer_frees_the_seat(api, session, callers, need):
    m = make_match(session, need, callers["employee"].user, status="confirmed")
    assert api("POST", f"/matches/{m.id}/remove", "coord", json={}).status_code == 422
    assert api("POST", f"/matches/{m.id}/remove", "coord2", json={"reason": "x"}).status_code == 403
    r = api("POST", f"/matches/{m.id}/remove", "coord", json={"reason": "Did not reply"})
    assert r.status_code == 200 and r.json["status"] == "removed" and r.json["reason"] == "Did not reply"
    session.expire_all()
    assert session.get(Need, need.id).seats_taken == 0
    assert api("POST", f"/matches/{m.id}/remove", "coord", json={"reason": "again"}).status_code == 409


def test_team_for_owner_and_admin(api, need):
    assert api.statuses("GET", f"/needs/{need.id}/team") == {
        "employee": 403, "other": 403, "coord": 200, "coord2": 403, "admin": 200}
    body = api("GET", f"/needs/{need.id}/team", "coord").json
    assert body["seats_left"] == 2 and isinstance(body["members"], list)


def test_commitments_calendar_holds_only_the_callers_confirmed_needs(api, session, callers, need):
    make_match(session, need, callers["employee"].user, status="confirmed")
    r = api("GET", "/me/commitments.ics", "employee")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    assert need.title in r.get_data(as_text=True)
    assert need.title not in api("GET", "/me/commitments.ics", "other").get_data(as_text=True)
