"""Hours: only on confirmed matches, after the start, not in the future, 24 a day at most; reviewed by the owner."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.core.errors import Conflict, Forbidden, ServiceError
from empathy.models import HoursRecord, Notification, OutboxMessage
from empathy.volunteering.services import hours
from tests.factories import make_match, make_need, make_user, profile_of

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(session):
    owner = make_user(session, role="coordinator")
    person = make_user(session)
    profile = profile_of(session, person)
    profile.department = "Finance"
    session.add(profile)
    session.commit()
    # Runs from three days ago to tomorrow, with more hours a day allowed: these tests are about the other rules
    # (the need's own days and lengths: test_hours_rules.py).
    need = make_need(session, owner=owner, starts_at=utcnow() - timedelta(days=3), ends_at=utcnow() + timedelta(days=1),
                     allows_extra_hours=True)
    match = make_match(session, need, person, status="confirmed")
    return {"owner": owner, "person": person, "need": need, "match": match}


def _today():
    return utcnow().astimezone(TZ).date()


def _log(session, w, h=3.0, day=None, **kw):
    return hours.log_hours(session=session, user=kw.pop("user", w["person"]),
                           match_id=kw.pop("match_id", w["match"].id),
                           hours=h, worked_on=day or _today(), tz=TZ, **kw)


def test_logged_hours_are_pending_with_the_department_of_the_day(session, world):
    record = _log(session, world, 2.5, note="Sorted donations")
    assert (record.status, record.department, record.hours) == ("pending", "Finance", 2.5)
    profile = profile_of(session, world["person"])
    profile.department = "Legal"
    session.add(profile)
    session.commit()
    assert session.get(HoursRecord, record.id, populate_existing=True).department == "Finance"


@pytest.mark.parametrize("status", ["invited", "volunteered", "withdrawn", "removed", "no_show"])
def test_no_hours_for_an_unconfirmed_match(session, world, status):
    world["match"].status = status
    session.add(world["match"])
    session.commit()
    with pytest.raises(Conflict, match="confirmed"):
        _log(session, world)
    assert session.exec(select(HoursRecord)).all() == []


def test_no_hours_on_someone_elses_match(session, world):
    with pytest.raises(Forbidden):
        _log(session, world, user=make_user(session))


@pytest.mark.parametrize("h", [0, -1, 24.5])
def test_hours_out_of_range_are_refused(session, world, h):
    with pytest.raises(ServiceError) as info:
        _log(session, world, h)
    assert info.value.field == "hours"


def test_at_most_24_hours_a_day_across_records(session, world):
    other_need = make_need(session, owner=world["owner"], starts_at=utcnow() - timedelta(days=3),
                           ends_at=utcnow() + timedelta(days=1), allows_extra_hours=True)
    other_match = make_match(session, other_need, world["person"], status="confirmed")
    _log(session, world, 20)
    with pytest.raises(ServiceError, match="24") as info:
        _log(session, world, 5, match_id=other_match.id)
    assert info.value.field == "hours"
    _log(session, world, 4, match_id=other_match.id)


def test_no_future_day_and_none_before_the_start(session, world):
    with pytest.raises(ServiceError, match="future"):
        _log(session, world, day=_today() + timedelta(days=1))
    with pytest.raises(ServiceError, match="days the need ran"):
        _log(session, world, day=_today() - timedelta(days=10))


def test_no_hours_before_the_need_starts(session, world):
    need = make_need(session, owner=world["owner"])
    match = make_match(session, need, world["person"], status="confirmed")
    with pytest.raises(Conflict, match="started"):
        _log(session, world, match_id=match.id)


def test_owner_approves_or_rejects_with_a_reason_and_totals_follow(session, world):
    a, b = _log(session, world, 3, day=_today() - timedelta(days=1)), _log(session, world, 2)
    with pytest.raises(Forbidden):
        hours.approve_hours(session=session, actor=make_user(session, role="coordinator"), record_id=a.id)
    hours.approve_hours(session=session, actor=world["owner"], record_id=a.id)
    with pytest.raises(ServiceError, match="reason"):
        hours.reject_hours(session=session, actor=world["owner"], record_id=b.id, reason="")
    totals = hours.totals_for(session=session, user=world["person"])
    assert (totals.approved, totals.pending) == (3.0, 2.0)
    hours.reject_hours(session=session, actor=world["owner"], record_id=b.id, reason="Not on that day")
    assert session.get(HoursRecord, b.id, populate_existing=True).rejection_reason == "Not on that day"
    with pytest.raises(Conflict, match="reviewed"):
        hours.approve_hours(session=session, actor=world["owner"], record_id=b.id)
    kinds = {n.kind for n in session.exec(select(Notification).where(Notification.user_id == world["person"].id))}
    assert {"hours_approved", "hours_rejected"} <= kinds
    assert len(session.exec(select(OutboxMessage).where(OutboxMessage.to_address == world["person"].email)).all()) == 2
