"""Local times and local days: daylight-saving gaps and folds, and needs that end at midnight (issue #16)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from empathy.core.localtime import NonexistentTime, hours_on, local_dates, local_datetime
from empathy.models import Need
from tests.factories import DEFAULT_PASSWORD, make_need, make_user

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _form(**overrides):
    data = {
        "title": "Night shelter", "description": "", "cause": "education", "beneficiary": "", "site": "",
        "remote": "y", "starts_at": "2027-03-14T01:30", "ends_at": "2027-03-14T02:30", "seats": "2",
        "hours_per_volunteer": "1", "skills-0-name": "", "skills-0-importance": "must", "skills-0-min_level": "1",
        "submit": "1",
    }
    return {**data, **overrides}


@pytest.fixture
def new_york(app, session, auth):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "America/New_York"
    user = make_user(session, role="coordinator")
    auth.login(user.email, DEFAULT_PASSWORD)
    return user


@pytest.mark.parametrize("starts, ends", [("2027-03-14T01:30", "2027-03-14T02:30"),
                                          ("2027-03-14T02:30", "2027-03-14T03:15")])
def test_a_time_in_the_spring_gap_is_a_form_error_not_a_shifted_need_or_a_500(client, session, new_york,
                                                                               starts, ends):
    response = client.post("/needs/new", data=_form(starts_at=starts, ends_at=ends))
    assert response.status_code == 200
    assert "This time does not exist that day" in response.text
    assert session.exec(select(Need)).all() == []


def test_the_same_gap_in_the_edit_form(client, session, new_york):
    need = make_need(session, owner=new_york, status="draft", is_remote=True,
                     starts_at=datetime(2027, 3, 14, 6, tzinfo=UTC), ends_at=datetime(2027, 3, 14, 8, tzinfo=UTC))
    response = client.post(f"/needs/{need.id}/edit", data=_form(starts_at="2027-03-14T02:10",
                                                                ends_at="2027-03-14T04:00"))
    assert response.status_code == 200 and "This time does not exist that day" in response.text
    session.refresh(need)
    assert need.starts_at == datetime(2027, 3, 14, 6, tzinfo=UTC)


def test_an_ambiguous_autumn_time_is_its_first_occurrence(client, session, new_york):
    response = client.post("/needs/new", data=_form(starts_at="2027-11-07T01:30", ends_at="2027-11-07T03:00"))
    assert response.status_code == 302
    need = session.exec(select(Need)).one()
    assert need.starts_at == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # 01:30 EDT (-04:00), before the change
    assert need.ends_at == datetime(2027, 11, 7, 8, tzinfo=UTC)  # 03:00 EST: the need lasts 2.5 real hours


def test_a_need_ending_at_midnight_is_not_listed_for_the_next_day(client, session, auth, app):
    user = make_user(session)
    auth.login(user.email, DEFAULT_PASSWORD)
    friday = make_need(session, title="Friday evening", is_remote=True,
                       starts_at=datetime(2026, 12, 11, 19, tzinfo=SHANGHAI),
                       ends_at=datetime(2026, 12, 12, 0, tzinfo=SHANGHAI))
    saturday = make_need(session, title="Saturday morning", is_remote=True,
                         starts_at=datetime(2026, 12, 12, 0, tzinfo=SHANGHAI),
                         ends_at=datetime(2026, 12, 12, 3, tzinfo=SHANGHAI))
    page = client.get("/needs?date_from=2026-12-12&date_to=2026-12-12").text
    assert saturday.title in page and friday.title not in page
    page = client.get("/needs?date_from=2026-12-11&date_to=2026-12-11").text
    assert friday.title in page and saturday.title not in page


def test_local_dates_and_hours_are_half_open():
    start, end = datetime(2026, 12, 11, 19, tzinfo=SHANGHAI), datetime(2026, 12, 12, 0, tzinfo=SHANGHAI)
    assert [d.isoformat() for d in local_dates(start, end, SHANGHAI)] == ["2026-12-11"]
    assert hours_on(start, end, end.date(), SHANGHAI) == 0.0
    assert hours_on(start, end, start.date(), SHANGHAI) == 5.0
    # 00:00-06:00 on the spring-forward day lasts five real hours
    spring = datetime(2027, 3, 14, 0, tzinfo=NEW_YORK), datetime(2027, 3, 14, 6, tzinfo=NEW_YORK)
    assert hours_on(*spring, spring[0].date(), NEW_YORK) == 5.0
    with pytest.raises(NonexistentTime):
        local_datetime(datetime(2027, 3, 14, 2, 30), NEW_YORK)


def test_editing_a_need_at_the_second_occurrence_of_an_autumn_time_keeps_it(client, session, new_york):
    # 01:30 EST on 7 Nov 2027 (the second 01:30 in New York): saving the form unchanged must not move it.
    second = datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    need = make_need(session, owner=new_york, status="draft", is_remote=True, starts_at=second,
                     ends_at=datetime(2027, 11, 7, 8, tzinfo=UTC))
    response = client.post(f"/needs/{need.id}/edit", data=_form(starts_at="2027-11-07T01:30",
                                                                ends_at="2027-11-07T03:00"))
    assert response.status_code == 302
    session.refresh(need)
    assert need.starts_at == second


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Los_Angeles"])
@pytest.mark.parametrize("naive", [datetime(1, 1, 1, 0, 0), datetime(9999, 12, 31, 23, 59)])
def test_times_at_the_ends_of_the_calendar_read_without_overflow(zone, naive):
    # Found by tests/core/test_bad_input.py: the DST round trip overflowed at 0001-01-01 east of UTC.
    assert local_datetime(naive, ZoneInfo(zone)).replace(tzinfo=None) == naive
