"""Each endpoint's behaviour and who may call it, through bearer tokens."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.models import HoursRecord, Match, Skill
from tests.factories import make_match, make_need, make_site, make_skill


def _need_body(**overrides):
    start = utcnow() + timedelta(days=20)
    return {"title": "Tutor maths", "cause": "education", "remote": True, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=3)).isoformat(), "seats": 2,
            "skills": [{"name": "Python", "importance": "must", "min_level": 2}], **overrides}


@pytest.fixture
def need(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True)


def test_every_endpoint_needs_a_token(api, need):
    for method, path in (("GET", "/me/profile"), ("PUT", "/me/profile"), ("GET", "/me/suggestions"),
                         ("GET", "/skills"), ("GET", "/needs"), ("POST", "/needs"), ("GET", f"/needs/{need.id}"),
                         ("PATCH", f"/needs/{need.id}"), ("GET", f"/needs/{need.id}/suggestions"),
                         ("POST", f"/needs/{need.id}/invitations"), ("POST", f"/needs/{need.id}/signup"),
                         ("POST", "/matches/1/accept"), ("POST", "/matches/1/hours"), ("POST", "/hours/1/approve"),
                         ("POST", "/admin/employees/import"), ("GET", "/reports/impact")):
        r = api(method, path, json={})
        assert r.status_code == 401, (method, path)
        assert r.mimetype == "application/problem+json"


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


def test_coordinator_creates_patches_and_publishes_a_need(api, session):
    r = api("POST", "/needs", "coord", json=_need_body())
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
    assert api("POST", "/needs", "employee", json=_need_body()).status_code == 403
    assert api("PATCH", f"/needs/{need.id}", "employee", json={"seats": 4}).status_code == 403
    assert api("PATCH", f"/needs/{need.id}", "coord2", json={"seats": 4}).status_code == 403
    assert api("PATCH", f"/needs/{need.id}", "admin", json={"seats": 4}).status_code == 200
    assert api("GET", f"/needs/{need.id}/suggestions", "coord2").status_code == 403
    assert api("GET", f"/needs/{need.id}/suggestions?limit=5", "coord").json["items"] == []
    assert api("GET", f"/needs/{need.id}/suggestions?limit=0", "coord").status_code == 422


def test_need_validation(api):
    r = api("POST", "/needs", "coord", json=_need_body(cause="nope", seats=0))
    assert r.status_code == 422
    assert "seats" in {e["field"] for e in r.json["errors"]}
    r = api("POST", "/needs", "coord", json=_need_body(cause="nope"))
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "cause"
    r = api("POST", "/needs", "coord", json=_need_body(starts_at="2030-01-01T10:00:00"))  # no offset
    assert r.status_code == 422


def test_ids_out_of_range_are_never_500(api):
    for path in ("/needs/99999999999999999999", "/needs/-1", "/needs/0", "/needs/abc", "/matches/99999999999/accept"):
        r = api("GET" if "matches" not in path else "POST", path, "admin")
        assert r.status_code in (404, 422), path
        assert r.mimetype == "application/problem+json"


def test_unknown_routes_wrong_methods_and_big_bodies_are_problems(api, app):
    r = api("GET", "/nothing-here", "employee")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    r = api("DELETE", "/needs", "employee")
    assert r.status_code == 405 and r.mimetype == "application/problem+json" and "GET" in r.headers["Allow"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    r = api("POST", "/needs", "coord", json=_need_body(description="x" * 2000))
    assert r.status_code == 413 and r.mimetype == "application/problem+json"
    # Web pages keep their HTML error pages.
    assert "text/html" in api.client.get("/no-such-page").content_type


def test_signup_accept_decline_withdraw(api, session, callers, need):
    r = api("POST", f"/needs/{need.id}/signup", "employee", json={"message": "Happy to help"})
    assert r.status_code == 201 and r.json["status"] == "confirmed"
    assert api("POST", f"/needs/{need.id}/signup", "employee", json={}).status_code == 409
    match_id = r.json["id"]
    assert api("POST", f"/matches/{match_id}/withdraw", "other").status_code == 403
    assert api("POST", f"/matches/{match_id}/withdraw", "employee").json["status"] == "withdrawn"
    invited = make_match(session, need, callers["other"].user, status="invited")
    assert api("POST", f"/matches/{invited.id}/accept", "employee").status_code == 403
    assert api("POST", f"/matches/{invited.id}/decline", "other").json["status"] == "declined"
    assert api("POST", f"/matches/{invited.id}/accept", "other").status_code == 409
    mine = api("GET", "/me/matches", "other").json
    assert mine["items"][0]["need_title"] == need.title


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


def test_hours_are_logged_and_reviewed_by_the_owner(api, session, callers):
    need = make_need(session, owner=callers["coord"].user, starts_at=utcnow() - timedelta(days=2))
    match = make_match(session, need, callers["employee"].user, status="confirmed")
    body = {"hours": 3, "worked_on": (date.today() - timedelta(days=1)).isoformat(), "note": "Done"}
    assert api("POST", f"/matches/{match.id}/hours", "other", json=body).status_code == 403
    assert api("POST", f"/matches/{match.id}/hours", "employee", json={**body, "hours": 30}).status_code == 422
    r = api("POST", f"/matches/{match.id}/hours", "employee", json=body)
    assert r.status_code == 201 and r.json["status"] == "pending"
    record_id = r.json["id"]
    assert api("POST", f"/hours/{record_id}/approve", "employee").status_code == 403
    assert api("POST", f"/hours/{record_id}/approve", "coord2").status_code == 403
    assert api("POST", f"/hours/{record_id}/reject", "coord", json={"reason": ""}).status_code == 422
    assert api("POST", f"/hours/{record_id}/approve", "coord").json["status"] == "approved"
    assert api("POST", f"/hours/{record_id}/approve", "coord").status_code == 409
    r2 = api("POST", f"/matches/{match.id}/hours", "employee", json=body).json["id"]
    r = api("POST", f"/hours/{r2}/reject", "admin", json={"reason": "Duplicate"})
    assert r.json["status"] == "rejected" and r.json["rejection_reason"] == "Duplicate"
    assert session.get(HoursRecord, record_id).status == "approved"


def test_admin_import_dry_run_and_permissions(api, session):
    csv = "email,name,department\nnew.person@example.com,New Person,Finance\n"
    headers = {"Content-Type": "text/csv"}
    assert api("POST", "/admin/employees/import?dry_run=1", "coord", data=csv, headers=headers).status_code == 403
    r = api("POST", "/admin/employees/import?dry_run=1", "admin", data=csv, headers=headers)
    assert r.status_code == 200, r.json
    assert r.json["dry_run"] is True and r.json["written"] is False
    from empathy.accounts.services.auth import find_user_by_email

    assert find_user_by_email(session, "new.person@example.com") is None
    r = api("POST", "/admin/employees/import", "admin", data=csv, headers=headers)
    assert r.json["written"] is True and r.json["created"] == 1
    bad = api("POST", "/admin/employees/import", "admin", data="", headers=headers)
    assert bad.status_code == 422


def test_admin_users_list(api):
    assert api("GET", "/admin/users", "coord").status_code == 403
    r = api("GET", "/admin/users?role=coordinator", "admin")
    assert r.status_code == 200 and r.json["total"] == 2


def test_impact_report(api, session, callers):
    assert api("GET", "/reports/impact", "employee").status_code == 403
    r = api("GET", "/reports/impact?from=2020-01-01&to=2030-12-31", "coord")
    assert r.status_code == 200, r.json
    assert r.json["from"] == "2020-01-01" and "by_cause" in r.json["tables"]
    assert api("GET", "/reports/impact?from=2030-01-01&to=2020-01-01", "coord").status_code == 422


def test_me_suggestions_is_empty_without_a_model(api):
    r = api("GET", "/me/suggestions?limit=3", "employee")
    assert r.status_code == 200 and r.json["items"] == []


def test_openapi_document_and_docs_page(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/auth/token", "/api/v1/me/profile", "/api/v1/me/suggestions", "/api/v1/skills",
                 "/api/v1/needs", "/api/v1/needs/{need_id}", "/api/v1/needs/{need_id}/suggestions",
                 "/api/v1/needs/{need_id}/invitations", "/api/v1/needs/{need_id}/signup",
                 "/api/v1/matches/{match_id}/accept", "/api/v1/matches/{match_id}/decline",
                 "/api/v1/matches/{match_id}/withdraw", "/api/v1/matches/{match_id}/hours",
                 "/api/v1/hours/{record_id}/approve", "/api/v1/hours/{record_id}/reject",
                 "/api/v1/admin/employees/import", "/api/v1/reports/impact"):
        assert path in doc["paths"], path
    patch = doc["paths"]["/api/v1/needs/{need_id}"]["patch"]
    assert {"401", "403", "404", "409", "413", "422", "429"} <= set(patch["responses"])
    assert "application/problem+json" in patch["responses"]["422"]["content"]
    need_fields = set(doc["components"]["schemas"]["NeedIn"]["properties"])
    assert {"title", "description", "cause", "beneficiary", "site", "remote", "starts_at", "ends_at", "seats",
            "hours_per_volunteer", "requires_approval", "skills"} <= need_fields
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "/api/v1/needs/{need_id}/signup" in page.text
    assert "<script" not in page.text.split("</main>")[0].split("<main")[1]


def test_field_errors_speak_the_callers_language(client):
    body = {"email": "", "password": "x" * 300, "surprise": 1}
    en = client.post("/api/v1/auth/token", json=body).get_json()
    messages = {e["field"]: e["message"] for e in en["errors"]}
    assert messages == {"email": "This field is required.", "password": "Use at most 256 characters.",
                        "surprise": "This field is not accepted here."}
    zh = client.post("/api/v1/auth/token", json=body, headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_json()
    assert {e["field"]: e["message"] for e in zh["errors"]}["surprise"] == "此处不接受该字段。"
    assert zh["detail"] != en["detail"]
