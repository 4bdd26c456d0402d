"""Hours only for the days a need ran, at most as long as it ran, no repeats, and never approved by the
person who gave them; a need's coordinator leads it rather than signing up (issue #16, faults 7 and 8)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.models import HoursRecord, Match
from tests.factories import DEFAULT_PASSWORD, make_match, make_need

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def held(session, callers):
    """A 3-hour need held 10 Oct 09:00-12:00 (+08:00), and the employee's confirmed seat on it."""
    need = make_need(session, owner=callers["coord"].user, is_remote=True, hours_per_volunteer=3,
                     starts_at=datetime(2026, 10, 10, 9, tzinfo=TZ), ends_at=datetime(2026, 10, 10, 12, tzinfo=TZ))
    return need, make_match(session, need, callers["employee"].user, status="confirmed")


def _log(api, match, day, hours, note=""):
    return api("POST", f"/matches/{match.id}/hours", "employee",
               json={"hours": hours, "worked_on": day, "note": note})


@pytest.mark.parametrize("day", ["2026-10-25", "today"])
def test_hours_for_a_day_the_need_did_not_run_are_refused(api, session, held, day):
    _need, match = held
    day = utcnow().astimezone(TZ).date().isoformat() if day == "today" else day
    r = _log(api, match, day, 8)
    assert r.status_code == 422
    assert r.json["errors"][0]["field"] == "worked_on"
    assert "the days the need ran: 10 Oct 2026." in r.json["errors"][0]["message"]
    assert session.exec(select(HoursRecord)).all() == []


def test_at_most_the_needs_length_that_day(api, session, held):
    _need, match = held
    r = _log(api, match, "2026-10-10", 8)
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "hours"
    assert "3 h" in r.json["errors"][0]["message"]
    assert _log(api, match, "2026-10-10", 2).status_code == 201
    assert _log(api, match, "2026-10-10", 1.5, "afternoon").status_code == 422  # 3.5 > 3
    assert _log(api, match, "2026-10-10", 1, "afternoon").status_code == 201


def test_the_coordinator_may_allow_more_hours_stored_with_the_need(api, session, callers, held):
    need, match = held
    r = api("PATCH", f"/needs/{need.id}", "coord", json={"allows_extra_hours": True})
    assert r.status_code == 200 and r.json["allows_extra_hours"] is True
    assert _log(api, match, "2026-10-10", 8).status_code == 201
    assert _log(api, match, "2026-10-11", 8).status_code == 422  # still only on the need's days


def test_a_repeated_identical_entry_is_refused(api, session, held):
    _need, match = held
    assert _log(api, match, "2026-10-10", 1, "Sorting books").status_code == 201
    r = _log(api, match, "2026-10-10", 1, "Sorting books")
    assert r.status_code == 409 and "already logged" in r.json["detail"]
    assert len(session.exec(select(HoursRecord)).all()) == 1


def test_a_need_ending_at_midnight_takes_no_hours_for_the_next_day(api, session, callers):
    need = make_need(session, owner=callers["coord"].user, is_remote=True,
                     starts_at=datetime(2026, 10, 9, 19, tzinfo=TZ), ends_at=datetime(2026, 10, 10, 0, tzinfo=TZ))
    match = make_match(session, need, callers["employee"].user, status="confirmed")
    assert _log(api, match, "2026-10-10", 1).status_code == 422
    assert _log(api, match, "2026-10-09", 5).status_code == 201


def test_a_coordinator_cannot_approve_their_own_hours(api, session, callers):
    # Hours of a coordinator on their own need (recorded before owners were kept from signing up).
    coord = callers["coord"].user
    need = make_need(session, owner=coord, is_remote=True, starts_at=datetime(2026, 10, 10, 9, tzinfo=TZ),
                     ends_at=datetime(2026, 10, 11, 9, tzinfo=TZ))
    match = make_match(session, need, coord, status="confirmed")
    record = HoursRecord(need_id=need.id, match_id=match.id, user_id=coord.id, hours=24, worked_on=date(2026, 10, 10))
    session.add(record)
    session.commit()
    for action, body in (("approve", None), ("reject", {"reason": "mine"})):
        r = api("POST", f"/hours/{record.id}/{action}", "coord", json=body)
        assert r.status_code == 403, action
        assert "Nobody reviews their own hours" in r.json["detail"]
    assert session.get(HoursRecord, record.id, populate_existing=True).status == "pending"
    assert api("POST", f"/hours/{record.id}/approve", "admin").status_code == 200


def test_the_people_page_hides_the_review_buttons_on_ones_own_hours(client, auth, session, callers):
    coord = callers["coord"].user
    need = make_need(session, owner=coord, is_remote=True, starts_at=datetime(2026, 10, 10, 9, tzinfo=TZ))
    match = make_match(session, need, coord, status="confirmed")
    session.add(HoursRecord(need_id=need.id, match_id=match.id, user_id=coord.id, hours=2,
                            worked_on=date(2026, 10, 10)))
    session.commit()
    auth.login(coord.email, DEFAULT_PASSWORD)
    page = client.get(f"/needs/{need.id}/people").text
    assert "Nobody reviews their own hours: the need's coordinator or another administrator reviews" in page
    assert "/approve" not in page.split('id="hours"')[1]


def test_the_owner_does_not_sign_up_for_their_own_need(api, client, auth, session, callers):
    coord = callers["coord"].user
    need = make_need(session, owner=coord, is_remote=True, starts_at=utcnow() + timedelta(days=5))
    r = api("POST", f"/needs/{need.id}/signup", "coord", json={})
    assert r.status_code == 403 and "You lead this need" in r.json["detail"]
    invited = make_match(session, need, coord, status="invited")
    assert api("POST", f"/matches/{invited.id}/accept", "coord").status_code == 403
    assert session.exec(select(Match).where(Match.user_id == coord.id, Match.status == "confirmed")).first() is None
    auth.login(coord.email, DEFAULT_PASSWORD)
    page = client.get(f"/needs/{need.id}").text
    assert "You lead this need as its coordinator" in page
    response = client.post(f"/needs/{need.id}/volunteer", data={"message": ""})
    assert response.status_code in (302, 403)
    assert session.exec(select(Match).where(Match.user_id == coord.id, Match.status == "confirmed")).first() is None


def test_the_same_entry_sent_twice_at_once_is_logged_once(session, held):
    from empathy.volunteering.services import hours
    from tests.races import PAIRS, as_user, race

    need, match = held
    need.allows_extra_hours = True  # room for every pair's entry that day
    session.add(need)
    session.commit()
    for i in range(PAIRS):
        def log(s, u, i=i):
            return hours.log_hours(session=s, user=u, match_id=match.id, hours=0.5, worked_on=date(2026, 10, 10),
                                   note=f"stint {i}", tz=TZ)
        outcomes = race(session, as_user(match.user_id, log), as_user(match.user_id, log))
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes
    assert len(session.exec(select(HoursRecord)).all()) == PAIRS


def _own_hours(session, author, need):
    match = make_match(session, need, author, status="confirmed")
    record = HoursRecord(need_id=need.id, match_id=match.id, user_id=author.id, hours=2, worked_on=date(2026, 10, 10))
    session.add(record)
    session.commit()
    return record


def test_the_only_administrator_reviews_their_own_hours_and_the_audit_log_says_so(api, client, auth, session,
                                                                                   callers):
    from empathy.models import AuditEntry, User

    admin = callers["admin"].user
    # The need's coordinator has left: nobody but the only administrator may review the hours.
    gone = callers["coord"].user
    need = make_need(session, owner=gone, is_remote=True, starts_at=datetime(2026, 10, 10, 9, tzinfo=TZ))
    record = _own_hours(session, admin, need)
    session.get(User, gone.id).active = False
    session.commit()
    auth.login(admin.email, DEFAULT_PASSWORD)
    assert "Nobody else can review these hours" in client.get("/commitments").text
    page = client.get(f"/needs/{need.id}/people").text.split('id="hours"')[1]
    assert "Nobody else can review these hours" in page and f"/hours/{record.id}/approve" in page
    assert api("POST", f"/hours/{record.id}/approve", "admin").status_code == 200
    session.expire_all()
    assert session.get(HoursRecord, record.id).status == "approved"
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "hours_approved")).one()
    assert entry.details == {"need": need.id, "self_review": admin.id}


def test_own_hours_wait_for_another_reviewer_while_there_is_one(api, client, auth, session, callers):
    admin = callers["admin"].user
    need = make_need(session, owner=callers["coord"].user, is_remote=True,
                     starts_at=datetime(2026, 10, 10, 9, tzinfo=TZ))
    record = _own_hours(session, admin, need)
    r = api("POST", f"/hours/{record.id}/approve", "admin")
    assert r.status_code == 403 and "the need's coordinator or another administrator" in r.json["detail"]
    auth.login(admin.email, DEFAULT_PASSWORD)
    assert "Nobody else can review these hours" not in client.get("/commitments").text
    assert api("POST", f"/hours/{record.id}/approve", "coord").status_code == 200
