"""The reports of the API: impact over a date range, and skill gaps."""

import pytest

from empathy.models import NeedSkill
from tests.factories import make_need, make_skill


@pytest.fixture
def need(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=3, seats_taken=1)


def test_impact_report(api, session, callers):
    assert api("GET", "/reports/impact", "employee").status_code == 403
    r = api("GET", "/reports/impact?from=2020-01-01&to=2030-12-31", "coord")
    assert r.status_code == 200, r.json
    assert r.json["from"] == "2020-01-01" and "by_cause" in r.json["tables"]
    assert api("GET", "/reports/impact?from=2030-01-01&to=2020-01-01", "coord").status_code == 422


def test_skill_gaps_report(api, session, need):
    python = make_skill(session, name="Python")
    session.add(NeedSkill(need_id=need.id, skill_id=python.id, importance="must", min_level=2))
    session.commit()
    assert api.statuses("GET", "/reports/skills")["employee"] == 403
    r = api("GET", "/reports/skills", "coord")
    assert r.status_code == 200 and r.json["few"] >= 1
    assert any("Python" in str(row) for row in r.json["wanted"]["rows"])
