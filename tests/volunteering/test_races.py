"""Decisions on hours, needs and sign-ups made at the same moment: exactly one wins, the loser changes nothing.

Each race runs PAIRS times with sessions of their own (see tests/races.py); on PostgreSQL the
unguarded read-check-write let both sides win in most pairs.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from empathy.core.db import utcnow
from empathy.models import AuditEntry, HoursRecord, Match, Need, Notification, OutboxMessage
from empathy.needs import services as needs
from empathy.volunteering.services import hours, roster, signups
from tests.factories import make_match, make_need, make_user
from tests.races import PAIRS, as_user, race

TZ = ZoneInfo("Asia/Shanghai")


def _count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


@pytest.fixture
def started_need(session):
    owner = make_user(session, password=None, role="coordinator")
    admin = make_user(session, password=None, role="admin")
    person = make_user(session, password=None)
    # Runs until now and lets volunteers log more than it runs a day: these races are about the 24-hour day.
    need = make_need(session, owner=owner, starts_at=utcnow() - timedelta(days=PAIRS + 5), ends_at=utcnow(),
                     allows_extra_hours=True)
    match = make_match(session, need, person, status="confirmed")
    return {"owner": owner, "admin": admin, "person": person, "need": need, "match": match}


def test_approving_and_rejecting_the_same_hours_at_once_leaves_one_decision(session, started_need):
    w = started_need
    records = [HoursRecord(need_id=w["need"].id, match_id=w["match"].id, user_id=w["person"].id, hours=2,
                           worked_on=(utcnow() - timedelta(days=i + 1)).date()) for i in range(PAIRS)]
    session.add_all(records)
    session.commit()

    for record in records:
        outcomes = race(
            session,
            as_user(w["owner"].id, lambda s, u, r=record.id: hours.approve_hours(session=s, actor=u, record_id=r)),
            as_user(w["admin"].id, lambda s, u, r=record.id: hours.reject_hours(session=s, actor=u, record_id=r,
                                                                                reason="Not on that day")),
        )
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes
        stored = session.get(HoursRecord, record.id, populate_existing=True)
        assert stored.status == ("approved" if outcomes[0] == "ok" else "rejected")
        assert stored.reviewed_by_id == (w["owner"] if outcomes[0] == "ok" else w["admin"]).id
        entries = session.exec(select(AuditEntry).where(AuditEntry.target_type == "hours",
                                                        AuditEntry.target_id == record.id)).all()
        assert [e.action for e in entries] == ["hours_" + stored.status], outcomes
    # One notification and one e-mail per record: the employee is told one decision.
    assert _count(session, Notification, Notification.user_id == w["person"].id) == PAIRS
    assert _count(session, OutboxMessage, OutboxMessage.to_address == w["person"].email) == PAIRS


def test_a_bulk_approval_and_a_rejection_at_once_leave_all_or_nothing_of_the_bulk(session, started_need):
    w = started_need
    records = [HoursRecord(need_id=w["need"].id, match_id=w["match"].id, user_id=w["person"].id, hours=2,
                           worked_on=(utcnow() - timedelta(days=i + 1)).date()) for i in range(2 * PAIRS)]
    session.add_all(records)
    session.commit()

    for first, second in zip(records[::2], records[1::2]):
        outcomes = race(
            session,
            as_user(w["owner"].id, lambda s, u, a=first.id, b=second.id: hours.approve_many_hours(
                session=s, actor=u, record_ids=[a, b])),
            as_user(w["admin"].id, lambda s, u, r=second.id: hours.reject_hours(session=s, actor=u, record_id=r,
                                                                                reason="Not on that day")),
        )
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes
        a = session.get(HoursRecord, first.id, populate_existing=True)
        b = session.get(HoursRecord, second.id, populate_existing=True)
        # The bulk won both, or lost both: never one of its records approved and the other not.
        assert (a.status, b.status) == (("approved", "approved") if outcomes[0] == "ok" else ("pending", "rejected"))


def test_two_logs_at_once_cannot_pass_24_hours_a_day(session, started_need):
    w = started_need

    def log(day, note):  # two different entries: the same one twice is refused as a repeat
        return as_user(w["person"].id, lambda s, u: hours.log_hours(session=s, user=u, match_id=w["match"].id,
                                                                    hours=15, worked_on=day, tz=TZ, note=note))

    for i in range(PAIRS):
        day = (utcnow() - timedelta(days=i + 1)).astimezone(TZ).date()
        outcomes = race(session, log(day, "morning"), log(day, "evening"))
        assert sorted(outcomes) == ["ServiceError", "ok"], outcomes
        logged = session.exec(select(func.sum(HoursRecord.hours)).where(HoursRecord.worked_on == day)).one()
        assert logged == 15


@pytest.mark.parametrize("first, second, status", [
    ("publish", "publish", "draft"),
    ("close", "close", "open"),
    ("reopen", "reopen", "closed"),
    ("cancel", "cancel", "open"),
    ("close", "cancel", "open"),
])
def test_two_decisions_on_a_need_at_once(session, first, second, status):
    owner = make_user(session, password=None, role="coordinator")
    admin = make_user(session, password=None, role="admin")
    decide = {
        "publish": lambda s, u, n: needs.publish_need(session=s, actor=u, need_id=n),
        "close": lambda s, u, n: needs.close_need(session=s, actor=u, need_id=n),
        "reopen": lambda s, u, n: needs.reopen_need(session=s, actor=u, need_id=n),
        "cancel": lambda s, u, n: roster.cancel_need(session=s, actor=u, need_id=n),
    }
    result = {"publish": "open", "close": "closed", "reopen": "open", "cancel": "cancelled"}
    for _ in range(PAIRS):
        need = make_need(session, owner=owner, status=status)
        outcomes = race(session,
                        as_user(owner.id, lambda s, u, n=need.id: decide[first](s, u, n)),
                        as_user(admin.id, lambda s, u, n=need.id: decide[second](s, u, n)))
        stored = session.get(Need, need.id, populate_existing=True)
        actions = session.exec(select(AuditEntry.action).where(AuditEntry.target_type == "need",
                                                               AuditEntry.target_id == need.id)
                               .order_by(AuditEntry.id)).all()
        if outcomes == ["ok", "ok"]:
            # Only a close followed by a cancel can both stand, and then the need is cancelled.
            assert (first, second) == ("close", "cancel"), outcomes
            assert stored.status == "cancelled"
            assert actions == ["need_closed", "need_cancelled"]
        else:
            assert sorted(outcomes) == ["Conflict", "ok"], outcomes
            winner = first if outcomes[0] == "ok" else second
            assert stored.status == result[winner]
            assert len(actions) == 1


def test_a_volunteer_and_a_cancellation_at_once_never_leave_someone_untold(app, session):
    owner = make_user(session, password=None, role="coordinator")
    for _ in range(PAIRS):
        need = make_need(session, owner=owner, requires_approval=True)
        person = make_user(session, password=None)
        outcomes = race(session,
                        as_user(person.id, lambda s, u, n=need.id: signups.volunteer(session=s, user=u, need_id=n)),
                        as_user(owner.id, lambda s, u, n=need.id: roster.cancel_need(session=s, actor=u, need_id=n)))
        assert outcomes[1] == "ok"
        assert outcomes[0] in ("ok", "Conflict"), outcomes
        if outcomes[0] == "ok":  # signed up first: told of the cancellation like everyone else
            told = _count(session, Notification, Notification.user_id == person.id, Notification.kind == "cancelled")
            assert told == 1
        else:
            assert session.exec(select(Match).where(Match.user_id == person.id)).first() is None


def test_a_need_edited_while_people_join_keeps_its_seats_and_status_in_step(session):
    owner = make_user(session, password=None, role="coordinator")
    for _ in range(2 * PAIRS):  # the window (a sign-up between the edit's read and write) is narrow
        need = make_need(session, owner=owner, seats=4, seats_taken=1, is_remote=True)
        people = [make_user(session, password=None) for _ in range(2)]

        def edit(s, u, n=need.id):
            from empathy.models.need_schemas import NeedUpdate

            return needs.update_need(session=s, actor=u, need_id=n, data=NeedUpdate(seats=3))

        outcomes = race(session, as_user(owner.id, edit), *(
            as_user(p.id, lambda s, u, n=need.id: signups.volunteer(session=s, user=u, need_id=n)) for p in people))
        assert set(outcomes) <= {"ok", "Conflict"}, outcomes
        stored = session.get(Need, need.id, populate_existing=True)
        joined = _count(session, Match, Match.need_id == need.id, Match.status == "confirmed")
        assert stored.seats_taken == 1 + joined
        assert stored.seats_taken <= stored.seats
        assert stored.status == ("filled" if stored.seats_taken >= stored.seats else "open"), \
            (outcomes, stored.seats, stored.seats_taken)
