"""Free hours in the team builder and the "has the hours" filter are hours a month while the need runs: a long need
spreads its hours over its months, and only seats in the need's own months count against a person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from empathy.core.db import utcnow
from empathy.models import Need
from empathy.volunteering.services import teams
from empathy.volunteering.services.invitations import SuggestionFilters, filter_candidates, monthly_hours
from tests.factories import make_match, make_need, make_skill, make_user
from tests.volunteering.test_teams import _index, _person


@pytest.mark.parametrize(("hours", "days", "expected"), [
    (12, 1 / 3, 12.0),   # 8 hours on one day: all in one month
    (24, 30, 24.0),      # exactly 30 days: one month
    (48, 112, 48 * 30 / 112),  # 112 days: 12.86 h a month
    (60, 60, 30.0),
    (0, 10, 0.0),
])
def test_a_need_asks_its_hours_spread_over_its_months(hours, days, expected):
    start = utcnow()
    need = Need(title="x", hours_per_volunteer=hours, starts_at=start, ends_at=start + timedelta(days=days))
    assert monthly_hours(need) == pytest.approx(expected)


@pytest.fixture
def long_need(app, session):
    """A 112-day need asking 48 h of each volunteer (12.9 h a month) and one nurse with 16 h a month."""
    owner = make_user(session, role="coordinator")
    nursing = make_skill(session, name="Nursing")
    start = (utcnow() + timedelta(days=75)).replace(microsecond=0)
    need = make_need(session, owner=owner, title="Weekly health checks", seats=2, hours_per_volunteer=48,
                     description="Nurses to check blood pressure of elderly residents every week.",
                     starts_at=start, ends_at=start + timedelta(days=112), skills=[(nursing, "must", 2)])
    nurse = _person(session, "Nina Nurse", [(nursing, 4)], "Registered nurse: blood pressure checks.", hours=16)
    return {"owner": owner, "need": need, "nurse": nurse, "index": _index(app, session)}


def test_a_long_need_takes_a_person_whose_monthly_hours_cover_its_monthly_share(session, long_need):
    page = teams.build_team(session=session, index=long_need["index"], actor=long_need["owner"],
                            need_id=long_need["need"].id)
    assert [m.id for m in page.team.members] == [long_need["nurse"].id]
    ids = filter_candidates(session, long_need["need"], [long_need["nurse"].id], {},
                            SuggestionFilters(available=True))
    assert ids == [long_need["nurse"].id]


def test_a_seat_this_month_does_not_count_against_a_need_months_ahead(session, long_need):
    now = utcnow().replace(microsecond=0)
    this_month = make_need(session, owner=long_need["owner"], title="Today's clinic", hours_per_volunteer=10,
                           starts_at=now, ends_at=now + timedelta(hours=2))
    make_match(session, this_month, long_need["nurse"], status="confirmed")
    page = teams.build_team(session=session, index=long_need["index"], actor=long_need["owner"],
                            need_id=long_need["need"].id)
    assert [m.id for m in page.team.members] == [long_need["nurse"].id]


def test_a_seat_in_the_need_months_counts_against_it(session, long_need):
    need = long_need["need"]
    other = make_need(session, owner=long_need["owner"], title="Vaccination day", hours_per_volunteer=8,
                      starts_at=need.starts_at + timedelta(days=40),
                      ends_at=need.starts_at + timedelta(days=40, hours=8))
    make_match(session, other, long_need["nurse"], status="confirmed")
    page = teams.build_team(session=session, index=long_need["index"], actor=long_need["owner"], need_id=need.id)
    assert page.team.members == []
    why = next(r for r in page.team.left_out[long_need["nurse"].id] if r.code == teams.NO_HOURS)
    assert why.code == teams.NO_HOURS and why.values["free"] == 8 and why.values["needed"] == round(48 * 30 / 112, 1)
