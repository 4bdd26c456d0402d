"""The loaded demo leaves every role something to do: sign-ups and hours to review, needs short of volunteers,
one starting this week, past needs with approved hours, skills to review; loading again adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from empathy.admin.services.attention import admin_attention
from empathy.admin.services.demo import seed_demo
from empathy.demo import COORDINATOR_PASSWORD, COORDINATORS, build_demo
from empathy.models import HoursRecord, HoursStatus, Match, MatchStatus, Need, NeedStatus, User
from empathy.volunteering.lifecycle import HOLDS_SEAT
from empathy.volunteering.services.home import coordinator_todo

LOADED = datetime(2031, 3, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def demo(session):
    seed_demo(session=session, today=LOADED)


def _user(session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def test_every_coordinator_has_sign_ups_or_hours_to_review(session, demo):
    for coordinator in COORDINATORS:
        todo = coordinator_todo(session=session, actor=_user(session, coordinator["email"]), now=LOADED)
        assert todo.volunteers.total + todo.hours.total > 0, coordinator["email"]
        assert not todo.is_empty


def test_the_main_coordinator_sees_every_kind_of_to_do(session, demo):
    todo = coordinator_todo(session=session, actor=_user(session, "coordinator@empathy.example"), now=LOADED)
    assert todo.volunteers.total >= 3  # sign-ups waiting for approval
    assert todo.hours.total >= 3  # hours logged late on the Mid-Autumn visit
    assert todo.short.total >= 5  # needs still taking volunteers
    assert todo.this_week.total >= 1  # the weekend home visits start within the week
    week = list(todo.this_week.rows)
    assert all(LOADED < need.starts_at <= LOADED + timedelta(days=7) for need in week)


def test_seats_taken_count_the_volunteers_holding_one(session, demo):
    for need in session.exec(select(Need)).all():
        held = session.exec(select(func.count()).select_from(Match).where(
            Match.need_id == need.id, Match.status.in_(HOLDS_SEAT))).one()
        assert need.seats_taken == held <= need.seats, need.title
    some = session.exec(select(Need).where(Need.status == NeedStatus.OPEN, Need.seats_taken > 0)).all()
    assert len(some) >= 4 and all(n.seats_taken < n.seats for n in some)  # short of volunteers, not empty
    answered = session.exec(select(Match).where(Match.status.in_((MatchStatus.DECLINED, MatchStatus.INVITED)))).all()
    assert {m.status for m in answered} == {MatchStatus.DECLINED, MatchStatus.INVITED}


def test_nobody_is_given_two_current_needs(session, demo):
    current = session.exec(select(Match.user_id).join(Need, Need.id == Match.need_id)
                           .where(Need.status != NeedStatus.COMPLETED)).all()
    assert len(current) == len(set(current)) > 20


def test_past_needs_have_approved_hours_for_the_reports(session, demo):
    for need in session.exec(select(Need).where(Need.status == NeedStatus.COMPLETED)).all():
        approved = session.exec(select(func.count()).select_from(HoursRecord).where(
            HoursRecord.need_id == need.id, HoursRecord.status == HoursStatus.APPROVED)).one()
        assert approved >= 1, need.title
        assert need.ends_at < LOADED


def test_the_administrator_has_typed_skills_to_review(session, demo):
    attention = admin_attention(session=session)
    assert attention.skills.total == len(build_demo()["typed_skills"]) >= 2


def test_loading_again_adds_no_sign_ups_or_hours(session, demo):
    counts = [session.exec(select(func.count()).select_from(t)).one() for t in (Match, HoursRecord)]
    assert "nothing to add" in seed_demo(session=session, today=LOADED + timedelta(days=3)).summary()
    assert [session.exec(select(func.count()).select_from(t)).one() for t in (Match, HoursRecord)] == counts


def test_the_coordinator_and_admin_home_pages_list_them(client, auth, session):
    seed_demo(session=session)  # today: the home pages read the clock
    assert auth.login("coordinator@empathy.example", COORDINATOR_PASSWORD).status_code == 302
    html = client.get("/home").get_data(as_text=True)
    assert "Weekend home visits to seniors living alone (Xuhui District)" in html  # starts this week
    pending = session.exec(select(HoursRecord, User).join(User, User.id == HoursRecord.user_id)
                           .where(HoursRecord.status == HoursStatus.PENDING)).all()
    assert any(user.display_name in html for _, user in pending)
    waiting = session.exec(select(Match, User).join(User, User.id == Match.user_id)
                           .where(Match.status == MatchStatus.VOLUNTEERED)).all()
    assert any(user.display_name in html for _, user in waiting)
    auth.logout()
    admin = build_demo()["admin"]
    assert auth.login(admin["email"], admin["password"]).status_code == 302
    html = client.get("/home").get_data(as_text=True)
    assert all(typed["name"] in html for typed in build_demo()["typed_skills"])
