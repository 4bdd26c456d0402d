"""The needs operations of the API: create, change, publish, copy, suggested people and invitations."""

import pytest
from sqlmodel import select

from empathy.models import Match, NeedSkill
from tests.api.fixtures import need_body
from tests.factories import make_need, make_skill


@pytest.fixture
def need(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=3, seats_taken=1)


def test_coordinator_creates_patches_and_publishes_a_need(api, session):
    r = api("POST", "/needs", "coord", json=need_body())
    assert r.status_code == 201, r.json
    need_id = r.json["id"]
    assert r.json["status"] == "draft" and r.json["skills"][0]["name"] == "Python"
    # A draft is the owner's alone.
    assert api("GET", f"/needs/{need_id}", "employee").status_code == 404
    r = api("PATCH", f"/needs/{need_id}", "coord", json={"seats": 5, "title": "Tutor algebra"})
    assert r.status_code == 200 and r.json["seats"] == 5 and r.json["title"] == "Tutor algebra"
    assert r.json["skills"][0]["name"] == "Python"  # untouched by the patch
    assert api("POST", f"/needs/{need_id}/publish", "coord").json["status"] == "open"
    assert api("GET", f"/needs/{need_id}", "employee").status_code == 200
    listed = api("GET", "/needs?status=open", "employee").json
    assert listed["total"] == 1 and listed["items"][0]["id"] == need_id


def test_need_permissions(api, need):
    assert api("POST", "/needs", "employee", json=need_body()).status_code == 403
    assert api("PATCH", f"/needs/{need.id}", "employee", json={"seats": 4}).status_code == 403
    assert api("PATCH", f"/needs/{need.id}", "coord2", json={"seats": 4}).status_code == 403
    assert api("PATCH", f"/needs/{need.id}", "admin", json={"seats": 4}).status_code == 200
    assert api("GET", f"/needs/{need.id}/suggestions", "coord2").status_code == 403
    assert api("GET", f"/needs/{need.id}/suggestions?limit=5", "coord").json["items"] == []
    assert api("GET", f"/needs/{need.id}/suggestions?limit=0", "coord").status_code == 422


def test_need_validation(api):
    r = api("POST", "/needs", "coord", json=need_body(cause="nope", seats=0))
    assert r.status_code == 422
    assert "seats" in {e["field"] for e in r.json["errors"]}
    r = api("POST", "/needs", "coord", json=need_body(cause="nope"))
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "cause"
    r = api("POST", "/needs", "coord", json=need_body(starts_at="2030-01-01T10:00:00"))  # no offset
    assert r.status_code == 422


def test_invitations(api, callers, need, session):
    body = {"user_ids": [callers["employee"].user.id], "message": "You would be great"}
    assert api("POST", f"/needs/{need.id}/invitations", "employee", json=body).status_code == 403
    assert api("POST", f"/needs/{need.id}/invitations", "coord2", json=body).status_code == 403
    r = api("POST", f"/needs/{need.id}/invitations", "coord", json=body)
    assert r.status_code == 200 and r.json["invited"] == 1
    match = session.exec(select(Match).where(Match.need_id == need.id)).one()
    assert match.status == "invited"
    notes = api("GET", "/me/notifications", "employee").json
    assert notes["total"] == 1 and notes["items"][0]["kind"] == "invited"
    assert api("POST", f"/needs/{need.id}/invitations", "coord", json={"user_ids": []}).status_code == 422


def test_duplicate_makes_a_draft_owned_by_the_caller(api, session, callers, need):
    python = make_skill(session, name="Python")
    session.add(NeedSkill(need_id=need.id, skill_id=python.id, importance="must", min_level=3))
    session.commit()
    r = api("POST", f"/needs/{need.id}/duplicate", "coord2")
    assert r.status_code == 201, r.json
    assert r.json["status"] == "draft" and r.json["owner_id"] == callers["coord2"].user.id
    assert r.json["id"] != need.id and r.json["skills"][0]["min_level"] == 3
    assert api("POST", f"/needs/{need.id}/duplicate", "employee").status_code == 403
    # A draft is invisible to other coordinators, so they cannot copy it.
    draft = make_need(session, owner=callers["coord"].user, status="draft")
    assert api("POST", f"/needs/{draft.id}/duplicate", "coord2").status_code == 404
    assert api("POST", "/needs/999999/duplicate", "admin").status_code == 404


def test_need_languages_through_the_api(api, session, callers, need):
    r = api("PATCH", f"/needs/{need.id}", "coord", json={"languages": ["zh", "en"]})
    assert r.status_code == 200 and r.json["languages"] == ["zh", "en"]
    bad = api("PATCH", f"/needs/{need.id}", "coord", json={"languages": ["klingon"]})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "languages"
    assert api("PATCH", f"/needs/{need.id}", "coord", json={"title": "Renamed"}).json["languages"] == ["zh", "en"]
