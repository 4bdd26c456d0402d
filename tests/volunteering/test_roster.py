"""The coordinator's rules: owner or admin only, approvals take seats, removals free them, cancel tells everyone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.core.errors import Conflict, Forbidden, ServiceError
from empathy.models import Match, Need, Notification, OutboxMessage
from empathy.volunteering.services import roster, signups
from tests.factories import make_match, make_need, make_user


@pytest.fixture
def world(session):
    owner = make_user(session, role="coordinator")
    other = make_user(session, role="coordinator")
    admin = make_user(session, role="admin")
    need = make_need(session, owner=owner, seats=1, requires_approval=True)
    a, b = make_user(session), make_user(session)
    return {"owner": owner, "other": other, "admin": admin, "need": need, "a": a, "b": b}


def _volunteer(session, w, who):
    return signups.volunteer(session=session, user=w[who], need_id=w["need"].id)


def test_approving_takes_a_seat_and_the_second_approval_is_refused(session, world):
    first, second = _volunteer(session, world, "a"), _volunteer(session, world, "b")
    roster.approve_volunteer(session=session, actor=world["owner"], match_id=first.id)
    with pytest.raises(Conflict, match="seat"):
        roster.approve_volunteer(session=session, actor=world["owner"], match_id=second.id)
    session.expire_all()
    assert session.get(Match, second.id).status == "volunteered"
    assert session.get(Need, world["need"].id).seats_taken == 1
    assert session.exec(select(Notification).where(Notification.user_id == world["a"].id,
                                                   Notification.kind == "confirmed")).first()


def test_a_coordinator_cannot_act_on_a_need_they_do_not_own_but_an_admin_can(session, world):
    match = _volunteer(session, world, "a")
    with pytest.raises(Forbidden):
        roster.approve_volunteer(session=session, actor=world["other"], match_id=match.id)
    with pytest.raises(Forbidden):
        roster.cancel_need(session=session, actor=world["other"], need_id=world["need"].id)
    with pytest.raises(Forbidden):
        roster.approve_volunteer(session=session, actor=world["a"], match_id=match.id)
    assert session.get(Match, match.id, populate_existing=True).status == "volunteered"
    roster.approve_volunteer(session=session, actor=world["admin"], match_id=match.id)
    assert session.get(Match, match.id, populate_existing=True).status == "confirmed"


def test_rejecting_leaves_seats_alone(session, world):
    match = _volunteer(session, world, "a")
    roster.reject_volunteer(session=session, actor=world["owner"], match_id=match.id, reason="Too many")
    session.expire_all()
    assert session.get(Match, match.id).status == "rejected"
    with pytest.raises(Conflict, match="already decided"):
        _volunteer(session, world, "a")


def test_removing_needs_a_reason_and_frees_the_seat(session, world):
    match = _volunteer(session, world, "a")
    roster.approve_volunteer(session=session, actor=world["owner"], match_id=match.id)
    with pytest.raises(ServiceError, match="reason") as info:
        roster.remove_volunteer(session=session, actor=world["owner"], match_id=match.id, reason="  ")
    assert info.value.field == "reason"
    assert session.get(Need, world["need"].id, populate_existing=True).seats_taken == 1
    roster.remove_volunteer(session=session, actor=world["owner"], match_id=match.id, reason="Unwell")
    need = session.get(Need, world["need"].id, populate_existing=True)
    assert (need.seats_taken, need.status) == (0, "open")
    from empathy.models import AuditEntry
    (entry,) = session.exec(select(AuditEntry).where(AuditEntry.action == "volunteer_removed")).all()
    assert (entry.actor_id, entry.target_id, entry.details) == (world["owner"].id, match.id, {"need": need.id})


def test_attendance_only_after_the_start(session, world):
    need = make_need(session, owner=world["owner"], seats=2)
    match = signups.volunteer(session=session, user=world["a"], need_id=need.id)
    with pytest.raises(Conflict, match="started"):
        roster.mark_attendance(session=session, actor=world["owner"], match_id=match.id, attended=True)
    need.starts_at = utcnow() - timedelta(hours=1)
    session.add(need)
    session.commit()
    roster.mark_attendance(session=session, actor=world["owner"], match_id=match.id, attended=False)
    assert session.get(Match, match.id, populate_existing=True).status == "no_show"
    roster.mark_attendance(session=session, actor=world["owner"], match_id=match.id, attended=True)
    assert session.get(Match, match.id, populate_existing=True).status == "attended"


def test_cancelling_tells_the_invited_and_the_confirmed_by_notification_and_mail(session, world):
    need = make_need(session, owner=world["owner"], seats=3)
    signups.volunteer(session=session, user=world["a"], need_id=need.id)
    make_match(session, need, world["b"], status="invited")
    bystander = make_user(session)
    make_match(session, need, bystander, status="declined")
    roster.cancel_need(session=session, actor=world["owner"], need_id=need.id)
    assert session.get(Need, need.id, populate_existing=True).status == "cancelled"
    told = {n.user_id for n in session.exec(select(Notification).where(Notification.kind == "cancelled")).all()}
    assert told == {world["a"].id, world["b"].id}
    cancelled = select(OutboxMessage).where(OutboxMessage.kind.like("cancelled:%"))
    mails = {m.to_address for m in session.exec(cancelled).all()}
    assert mails == {world["a"].email, world["b"].email}
    with pytest.raises(Conflict, match="cancelled"):
        signups.accept_invitation(session=session, user=world["b"],
                                  match_id=session.exec(select(Match).where(Match.user_id == world["b"].id)).one().id)


def test_the_board_groups_people_and_counts_seats(session, world):
    need = make_need(session, owner=world["owner"], seats=3)
    signups.volunteer(session=session, user=world["a"], need_id=need.id)
    make_match(session, need, world["b"], status="invited")
    board = roster.people_board(session=session, actor=world["owner"], need_id=need.id)
    assert [p.id for _m, p in board.columns["confirmed"]] == [world["a"].id]
    assert [p.id for _m, p in board.columns["invited"]] == [world["b"].id]
    assert board.seats_left == 2
