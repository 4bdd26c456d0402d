"""The database holds the invariants itself, whatever the code above it does."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from empathy.core.db import utcnow
from empathy.models import EmployeeSkill, HoursRecord, Match, Need, User
from tests.factories import add_employee_skill, make_need, make_skill, make_user, profile_of


def _rejects(session, obj):
    session.add(obj)
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_email_is_unique_whatever_its_case(session):
    make_user(session, email="ana@example.com")
    _rejects(session, User(email="ana@example.com", display_name="x"))
    _rejects(session, User(email="Ana@Example.com", display_name="x"))  # not lower-cased: CHECK


def test_role_and_status_value_lists_are_enforced(session):
    _rejects(session, User(email="r@example.com", display_name="x", role="superuser"))
    need = make_need(session)
    # The column type refuses an unknown status before it is sent ...
    need.status = "archived"
    with pytest.raises(sa.exc.StatementError, match="not a valid NeedStatus"):
        session.commit()
    session.rollback()
    # ... and the CHECK constraint refuses one written around the ORM.
    with pytest.raises(IntegrityError):
        session.execute(sa.text("UPDATE needs SET status = 'archived' WHERE id = :id"), {"id": need.id})
        session.commit()
    session.rollback()


def test_seats_and_dates_are_checked(session):
    start = utcnow()
    _rejects(session, Need(title="t", cause="education", starts_at=start, ends_at=start, seats=0))
    _rejects(
        session,
        Need(title="t", cause="education", starts_at=start, ends_at=start - timedelta(hours=1), seats=1),
    )
    need = make_need(session, seats=2)
    need.seats_taken = 3
    _rejects(session, need)


def test_skill_levels_and_hours_are_checked(session):
    user = make_user(session)
    skill = make_skill(session)
    _rejects(session, EmployeeSkill(profile_id=profile_of(session, user).id, skill_id=skill.id, level=5))
    need = make_need(session)
    for hours in (0, -1, 24.5):
        _rejects(session, HoursRecord(need_id=need.id, user_id=user.id, hours=hours, worked_on=utcnow().date()))
    # A rejection needs its reason, and only a rejection has one.
    _rejects(session, HoursRecord(need_id=need.id, user_id=user.id, hours=2, worked_on=utcnow().date(),
                                  status="rejected"))


def test_a_match_is_unique_per_need_and_employee(session):
    user = make_user(session)
    need = make_need(session)
    session.add(Match(need_id=need.id, user_id=user.id))
    session.commit()
    _rejects(session, Match(need_id=need.id, user_id=user.id, status="invited"))


def test_foreign_keys_are_enforced(session):
    _rejects(session, Match(need_id=999_999, user_id=999_999))


def test_a_skill_in_use_cannot_be_deleted(session):
    user = make_user(session)
    skill = make_skill(session)
    add_employee_skill(session, user, skill, level=3)
    with pytest.raises(IntegrityError):
        session.execute(sa.delete(type(skill)).where(type(skill).id == skill.id))
        session.commit()
    session.rollback()


def test_timestamps_come_back_timezone_aware(session):
    user = make_user(session)
    session.expire_all()
    again = session.get(User, user.id)
    assert again.created_at.tzinfo is not None
    assert abs((utcnow() - again.created_at).total_seconds()) < 60
