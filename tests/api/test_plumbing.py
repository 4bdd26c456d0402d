"""The API's shared plumbing: bearer-only access, problem documents for every error, the document and docs page."""

import pytest

from tests.api.fixtures import need_body
from tests.factories import make_need


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


def test_new_endpoints_need_a_token(api, need):
    for method, path in (("POST", f"/needs/{need.id}/duplicate"), ("GET", f"/needs/{need.id}/people"),
                         ("GET", f"/needs/{need.id}/team"), ("POST", "/matches/1/attendance"),
                         ("POST", "/matches/1/remove"), ("PATCH", "/admin/users/1"), ("GET", "/admin/skills"),
                         ("POST", "/admin/skills/1/merge"), ("GET", "/admin/sites"),
                         ("GET", "/admin/exports/needs.csv"), ("GET", "/me/credentials"),
                         ("GET", "/admin/credentials"), ("GET", "/reports/skills"), ("GET", "/me/commitments.ics")):
        r = api(method, path, json={})
        assert r.status_code == 401 and r.mimetype == "application/problem+json", (method, path)


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
    r = api("POST", "/needs", "coord", json=need_body(description="x" * 2000))
    assert r.status_code == 413 and r.mimetype == "application/problem+json"
    # Web pages keep their HTML error pages.
    assert "text/html" in api.client.get("/no-such-page").content_type


def test_openapi_document_and_docs_page(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    # The sections keep the order they always had: API_MODULES (empathy/__init__.py) decides it.
    assert [t["name"] for t in doc["tags"]] == ["admin", "account", "skills", "needs", "matches"]
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
