"""The profile and skill operations of the API."""

from sqlmodel import select

from empathy.models import Skill
from tests.factories import make_site, make_skill


def test_profile_round_trip_creates_unknown_skills_for_review(api, session):
    site = make_site(session)
    body = {"department": "Finance", "site": site.code, "hours_per_month": 6, "languages": ["en", "zh"],
            "causes": ["education"], "skills": [{"name": "Underwater basket weaving", "level": 3}]}
    r = api("PUT", "/me/profile", "employee", json=body)
    assert r.status_code == 200, r.json
    assert r.json["site"] == site.code and r.json["skills"][0]["level"] == 3
    assert r.json["skills"][0]["needs_review"] is True
    assert session.exec(select(Skill).where(Skill.name == "Underwater basket weaving")).one().needs_review
    got = api("GET", "/me/profile", "employee").json
    assert got["department"] == "Finance" and got["languages"] == ["en", "zh"]


def test_profile_validation_errors_name_the_field(api):
    r = api("PUT", "/me/profile", "employee", json={"hours_per_month": 9999, "skills": [{"name": "", "level": 9}]})
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    fields = {e["field"] for e in r.json["errors"]}
    assert {"hours_per_month", "skills.0.name", "skills.0.level"} <= fields
    r = api("PUT", "/me/profile", "employee", json={"causes": ["not-a-cause"]})
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "causes"
    r = api("PUT", "/me/profile", "employee", json={"site": "nowhere"})
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "site"


def test_skills_list_is_paginated(api, session):
    for name in ("Accounting", "Acrobatics", "Baking"):
        make_skill(session, name=name)
    r = api("GET", "/skills?q=ac&per_page=1", "employee")
    assert r.status_code == 200
    assert r.json["total"] == 2 and r.json["per_page"] == 1 and len(r.json["items"]) == 1
