"""The impact dashboard: figures reconcile with the approved hours rows they cover."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from empathy.core.errors import ServiceError
from empathy.models import HoursRecord, User
from empathy.reports.common import DateRange, parse_range
from empathy.reports.services import build_dashboard
from tests.factories import make_need, make_skill, make_user, profile_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = DateRange(date(2024, 1, 1), date(2024, 12, 31), "Asia/Shanghai")


def hours_row(session, need, user, hours, day, *, status="approved", department=None):
    """A direct hours_records row, as the hours workflow would leave it."""
    if department is None:
        department = profile_of(session, user).department if user else ""
    row = HoursRecord(
        need_id=need.id,
        user_id=user.id if user else None,
        hours=hours,
        worked_on=day,
        department=department,
        status=status,
        rejection_reason="Not on this need." if status == "rejected" else None,
    )
    session.add(row)
    session.commit()
    return row


def local(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(UTC)


def approved_sum(session, start, end):
    """The reference figure: a plain SUM over the approved rows, computed independently."""
    value = session.execute(
        sa.text("SELECT SUM(hours) FROM hours_records WHERE status = 'approved' AND worked_on BETWEEN :a AND :b"),
        {"a": start, "b": end},
    ).scalar()
    return round(value or 0, 2)


@pytest.fixture
def world(session):
    """Two needs in two causes, three employees in two departments, hours of every status."""
    ann = make_user(session, display_name="Ann")
    bob = make_user(session, display_name="Bob")
    cat = make_user(session, display_name="Cat")
    for user, dept in ((ann, "Finance"), (bob, "IT"), (cat, "IT")):
        profile = profile_of(session, user)
        profile.department = dept
        session.add(profile)
    session.commit()
    school = make_need(session, cause="education", beneficiary="Hope School", starts_at=local(2024, 3, 1, 9))
    park = make_need(session, cause="environment", beneficiary="Green Park", starts_at=local(2024, 4, 1, 9))
    hours_row(session, school, ann, 2.5, date(2024, 3, 1))
    hours_row(session, school, bob, 4, date(2024, 3, 15))
    hours_row(session, park, bob, 1.25, date(2024, 4, 2))
    hours_row(session, park, cat, 3, date(2024, 4, 3), status="pending")
    hours_row(session, school, cat, 5, date(2024, 3, 2), status="rejected")
    return {"ann": ann, "bob": bob, "cat": cat, "school": school, "park": park}


def test_every_table_adds_up_to_the_approved_hours_only(session, world):
    d = build_dashboard(session=session, range=YEAR, lang="en")
    assert d.total_hours == 7.75 == approved_sum(session, YEAR.start, YEAR.end)
    for name in ("by_cause", "by_department", "by_beneficiary", "by_month"):
        assert d.tables[name].total == 7.75, name


def test_hours_by_cause_department_beneficiary_and_month(session, world):
    d = build_dashboard(session=session, range=YEAR, lang="en")
    causes = {r["code"]: r["hours"] for r in d.tables["by_cause"].rows}
    assert causes == {"education": 6.5, "environment": 1.25}
    assert d.tables["by_cause"].rows[0]["label"] == "Education"
    depts = {r["label"]: r["hours"] for r in d.tables["by_department"].rows}
    assert depts == {"IT": 5.25, "Finance": 2.5}
    assert [r["label"] for r in d.tables["by_department"].rows] == ["IT", "Finance"]
    orgs = {r["label"]: r["hours"] for r in d.tables["by_beneficiary"].rows}
    assert orgs == {"Hope School": 6.5, "Green Park": 1.25}
    months = d.tables["by_month"].rows
    assert len(months) == 12 and months[0]["month"] == date(2024, 1, 1)
    assert {r["label"]: r["hours"] for r in months if r["hours"]} == {"2024-03": 6.5, "2024-04": 1.25}


def test_cause_labels_follow_the_language(session, world):
    d = build_dashboard(session=session, range=YEAR, lang="zh")
    assert {r["label"] for r in d.tables["by_cause"].rows} == {"教育", "环境保护"}


def test_volunteers_and_participation_count_active_employees_with_approved_hours(session, world):
    make_user(session, active=False)  # neither counted nor a volunteer
    d = build_dashboard(session=session, range=YEAR, lang="en")
    assert d.volunteers == 2  # Cat's hours are pending or rejected
    active = session.execute(sa.select(sa.func.count()).select_from(User).where(User.active.is_(True))).scalar()
    assert d.active_employees == active == 3
    assert d.active_volunteers == 2
    assert d.participation == pytest.approx(2 / 3)


def test_range_ends_are_inclusive_local_dates(session, world):
    need = world["school"]
    hours_row(session, need, world["ann"], 1, date(2023, 12, 31))
    hours_row(session, need, world["ann"], 2, date(2024, 1, 1))
    hours_row(session, need, world["ann"], 4, date(2024, 12, 31))
    hours_row(session, need, world["ann"], 8, date(2025, 1, 1))
    d = build_dashboard(session=session, range=YEAR, lang="en")
    assert d.total_hours == 7.75 + 2 + 4
    one_day = DateRange(date(2024, 1, 1), date(2024, 1, 1), "Asia/Shanghai")
    assert build_dashboard(session=session, range=one_day, lang="en").total_hours == 2


def test_needs_starting_in_range_use_local_midnight_not_utc(session):
    # 00:30 on 1 January in Shanghai is still 31 December in UTC: it belongs to 2024.
    early = make_need(session, starts_at=local(2024, 1, 1, 0, 30), seats=4, seats_taken=3)
    # 23:30 on 31 December 2024 in Shanghai is 15:30 UTC the same day: still 2024.
    late = make_need(session, starts_at=local(2024, 12, 31, 23, 30), seats=2, seats_taken=1)
    make_need(session, starts_at=local(2023, 12, 31, 23, 59), seats=5)  # 2023 locally
    make_need(session, starts_at=local(2025, 1, 1, 0, 0), seats=7)  # 2025 locally
    make_need(session, starts_at=local(2024, 6, 1, 9), seats=9, status="cancelled")
    make_need(session, starts_at=local(2024, 6, 1, 9), seats=9, status="draft")
    d = build_dashboard(session=session, range=YEAR, lang="en")
    assert (d.seats_offered, d.seats_filled, d.needs_started) == (early.seats + late.seats, 4, 2)
    assert d.fill_rate == pytest.approx(4 / 6)


def test_needs_completed_counts_completed_needs_ending_in_range(session):
    start = local(2024, 12, 31, 20)
    make_need(session, status="completed", starts_at=start, ends_at=local(2024, 12, 31, 23, 59))
    make_need(session, status="completed", starts_at=start, ends_at=local(2025, 1, 1, 0, 1))
    make_need(session, status="closed", starts_at=start, ends_at=local(2024, 12, 31, 22))
    assert build_dashboard(session=session, range=YEAR, lang="en").needs_completed == 1


def test_moving_an_employee_does_not_rewrite_department_history(session, world):
    profile = profile_of(session, world["ann"])
    profile.department = "Legal"
    session.add(profile)
    session.commit()
    hours_row(session, world["school"], world["ann"], 1, date(2024, 5, 1))  # recorded in Legal
    table = build_dashboard(session=session, range=YEAR, lang="en").tables["by_department"]
    depts = {r["label"]: r["hours"] for r in table.rows}
    assert depts == {"IT": 5.25, "Finance": 2.5, "Legal": 1}


def test_hours_of_deleted_employees_still_count(session, world):
    bob = world["bob"]
    session.execute(sa.update(HoursRecord).where(HoursRecord.user_id == bob.id).values(user_id=None))
    session.commit()
    d = build_dashboard(session=session, range=YEAR, lang="en")
    assert d.total_hours == 7.75
    assert d.tables["by_cause"].total == d.tables["by_department"].total == d.tables["by_month"].total == 7.75
    assert d.volunteers == 1  # Ann; Bob's hours have no person any more


def test_skills_put_to_work_are_the_needs_required_skills_weighted_by_hours(session, world):
    python, care = make_skill(session, name="Python"), make_skill(session, name="Care")
    need = make_need(session, skills=[(python, "must", 2), (care, "nice", 1)], starts_at=local(2024, 5, 1, 9))
    hours_row(session, need, world["ann"], 3, date(2024, 5, 1))
    hours_row(session, need, world["bob"], 2, date(2024, 5, 2))
    hours_row(session, need, world["cat"], 6, date(2024, 5, 2), status="pending")
    rows = build_dashboard(session=session, range=YEAR, lang="en").tables["skills_used"].rows
    assert {r["label"]: (r["hours"], r["needs"]) for r in rows} == {"Python": (5, 1), "Care": (5, 1)}


def test_an_empty_range_gives_zeroes(session, world):
    empty = DateRange(date(2030, 1, 1), date(2030, 3, 31), "Asia/Shanghai")
    d = build_dashboard(session=session, range=empty, lang="en")
    assert (d.total_hours, d.volunteers, d.participation) == (0, 0, 0)
    assert d.tables["by_cause"].rows == [] and len(d.tables["by_month"].rows) == 3


@pytest.mark.parametrize(
    ("raw_from", "raw_to", "field"),
    [("2024-13-01", "", "from"), ("yesterday", "", "from"), ("1999-12-31", "", "from"),
     ("2024-05-01", "2024-04-30", "to"), ("", "2024-01-01x", "to"), ("2000-01-01", "2100-12-31", "to")],
)
def test_bad_dates_are_refused_with_the_field_named(raw_from, raw_to, field):
    with pytest.raises(ServiceError) as exc:
        parse_range(raw_from, raw_to, today=date(2024, 6, 1), tz="Asia/Shanghai")
    assert exc.value.field == field


def test_an_empty_range_means_this_calendar_year():
    r = parse_range("", None, today=date(2024, 6, 1), tz="Asia/Shanghai")
    assert (r.start, r.end) == (date(2024, 1, 1), date(2024, 12, 31))


def test_a_need_completed_at_midnight_belongs_to_the_day_it_ran(session):
    # 31 Dec 2023 20:00 to 1 Jan 2024 00:00 ran in 2023; 31 Dec 2024 20:00 to 1 Jan 2025 00:00 ran in 2024.
    make_need(session, status="completed", starts_at=local(2023, 12, 31, 20), ends_at=local(2024, 1, 1, 0))
    assert build_dashboard(session=session, range=YEAR, lang="en").needs_completed == 0
    make_need(session, status="completed", starts_at=local(2024, 12, 31, 20), ends_at=local(2025, 1, 1, 0))
    assert build_dashboard(session=session, range=YEAR, lang="en").needs_completed == 1
