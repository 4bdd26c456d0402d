"""The management endpoints: the people board, attendance, removal, teams, admin data, credentials."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.models import EmployeeSkill, Need, NeedSkill, Skill, User
from tests.factories import add_employee_skill, make_match, make_need, make_skill

ROLES = ("employee", "other", "coord", "coord2", "admin")


@pytest.fixture
def need(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=3, seats_taken=1)


@pytest.fixture
def started(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=2, seats_taken=1,
                     starts_at=utcnow() - timedelta(hours=1))


def _statuses(api, method, path, **kwargs):
    return {who: api(method, path, who, **kwargs).status_code for who in ROLES}


def test_new_endpoints_need_a_token(api, need):
    for method, path in (("POST", f"/needs/{need.id}/duplicate"), ("GET", f"/needs/{need.id}/people"),
                         ("GET", f"/needs/{need.id}/team"), ("POST", "/matches/1/attendance"),
                         ("POST", "/matches/1/remove"), ("PATCH", "/admin/users/1"), ("GET", "/admin/skills"),
                         ("POST", "/admin/skills/1/merge"), ("GET", "/admin/sites"),
                         ("GET", "/admin/exports/needs.csv"), ("GET", "/me/credentials"),
                         ("GET", "/admin/credentials"), ("GET", "/reports/skills"), ("GET", "/me/commitments.ics")):
        r = api(method, path, json={})
        assert r.status_code == 401 and r.mimetype == "application/problem+json", (method, path)


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


def test_people_board_for_owner_and_admin_only(api, session, callers, need):
    m = make_match(session, need, callers["employee"].user, status="confirmed")
    make_match(session, need, callers["other"].user, status="invited")
    assert _statuses(api, "GET", f"/needs/{need.id}/people") == {
        "employee": 403, "other": 403, "coord": 200, "coord2": 403, "admin": 200}
    body = api("GET", f"/needs/{need.id}/people", "coord").json
    assert body["seats_left"] == 2 and body["has_started"] is False
    assert [p["match_id"] for p in body["columns"]["confirmed"]] == [m.id]
    assert [p["user_id"] for p in body["columns"]["invited"]] == [callers["other"].user.id]
    assert body["total_approved"] == 0


def test_attendance_after_the_start(api, session, callers, need, started):
    early = make_match(session, need, callers["employee"].user, status="confirmed")
    r = api("POST", f"/matches/{early.id}/attendance", "coord", json={"attended": True})
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    m = make_match(session, started, callers["employee"].user, status="confirmed")
    assert api("POST", f"/matches/{m.id}/attendance", "coord2", json={"attended": True}).status_code == 403
    assert api("POST", f"/matches/{m.id}/attendance", "employee", json={"attended": True}).status_code == 403
    assert api("POST", f"/matches/{m.id}/attendance", "coord", json={"attended": "yes"}).status_code == 422
    r = api("POST", f"/matches/{m.id}/attendance", "coord", json={"attended": False})
    assert r.status_code == 200 and r.json["status"] == "no_show"
    r = api("POST", f"/matches/{m.id}/attendance", "admin", json={"attended": True})
    assert r.status_code == 200 and r.json["status"] == "attended"


def test_remove_a_confirmed_volunteer_frees_the_seat(api, session, callers, need):
    m = make_match(session, need, callers["employee"].user, status="confirmed")
    assert api("POST", f"/matches/{m.id}/remove", "coord", json={}).status_code == 422
    assert api("POST", f"/matches/{m.id}/remove", "coord2", json={"reason": "x"}).status_code == 403
    r = api("POST", f"/matches/{m.id}/remove", "coord", json={"reason": "Did not reply"})
    assert r.status_code == 200 and r.json["status"] == "removed" and r.json["reason"] == "Did not reply"
    session.expire_all()
    assert session.get(Need, need.id).seats_taken == 0
    assert api("POST", f"/matches/{m.id}/remove", "coord", json={"reason": "again"}).status_code == 409


def test_team_for_owner_and_admin(api, need):
    assert _statuses(api, "GET", f"/needs/{need.id}/team") == {
        "employee": 403, "other": 403, "coord": 200, "coord2": 403, "admin": 200}
    body = api("GET", f"/needs/{need.id}/team", "coord").json
    assert body["seats_left"] == 2 and isinstance(body["members"], list)


def test_admin_changes_role_and_activation(api, session, callers):
    target = callers["employee"].user
    assert _statuses(api, "PATCH", f"/admin/users/{target.id}", json={})["coord"] == 403
    r = api("PATCH", f"/admin/users/{target.id}", "admin", json={"role": "coordinator"})
    assert r.status_code == 200 and r.json["role"] == "coordinator"
    r = api("PATCH", f"/admin/users/{target.id}", "admin", json={"active": False})
    assert r.status_code == 200 and r.json["active"] is False
    session.expire_all()
    assert session.get(User, target.id).active is False
    me = callers["admin"].user
    r = api("PATCH", f"/admin/users/{me.id}", "admin", json={"role": "employee"})
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "role"
    assert api("PATCH", f"/admin/users/{me.id}", "admin", json={"active": False}).status_code == 422
    assert api("PATCH", "/admin/users/999999", "admin", json={"role": "admin"}).status_code == 404
    assert api("PATCH", f"/admin/users/{target.id}", "admin", json={"role": "king"}).status_code == 422


def test_admin_skills_create_edit_review_merge(api, session, callers):
    assert _statuses(api, "GET", "/admin/skills")["coord"] == 403
    r = api("POST", "/admin/skills", "admin", json={"name": "Welding", "synonyms": ["Soldering"]})
    assert r.status_code == 201 and r.json["synonyms"] == ["Soldering"] and r.json["needs_review"] is False
    assert api("POST", "/admin/skills", "admin", json={"name": "soldering"}).status_code == 409
    assert api("POST", "/admin/skills", "coord", json={"name": "X"}).status_code == 403
    typed = make_skill(session, name="Weldng", needs_review=True)
    typed_id = typed.id
    listed = api("GET", "/admin/skills?review=true", "admin").json
    assert [k["name"] for k in listed["items"]] == ["Weldng"]
    r = api("PATCH", f"/admin/skills/{typed.id}", "admin", json={"label_zh": "焊", "reviewed": True})
    assert r.status_code == 200 and r.json["label_zh"] == "焊" and r.json["needs_review"] is False
    assert r.json["name"] == "Weldng"
    user = callers["employee"].user
    add_employee_skill(session, user, typed, level=3)
    welding = api("GET", "/admin/skills?q=Welding", "admin").json["items"][0]["id"]
    assert api("POST", f"/admin/skills/{typed.id}/merge", "admin", json={"into": typed.id}).json["errors"][0][
        "field"] == "into"
    r = api("POST", f"/admin/skills/{typed.id}/merge", "admin", json={"into": welding})
    assert r.status_code == 200 and "Weldng" in r.json["synonyms"]
    session.expire_all()
    assert session.get(Skill, typed_id) is None
    assert session.exec(select(EmployeeSkill).where(EmployeeSkill.skill_id == welding)).one().level == 3
    assert api("POST", "/admin/skills/999999/merge", "admin", json={"into": welding}).status_code == 404


def test_admin_sites(api, session):
    assert _statuses(api, "GET", "/admin/sites")["coord2"] == 403
    r = api("POST", "/admin/sites", "admin", json={"code": "SZ", "name_en": "Shenzhen", "name_zh": "深圳"})
    assert r.status_code == 201, r.json
    site_id = r.json["id"]
    assert api("POST", "/admin/sites", "admin", json={"code": "SZ", "name_en": "Again", "name_zh": "再"}
               ).status_code == 409
    r = api("PATCH", f"/admin/sites/{site_id}", "admin", json={"name_en": "Shenzhen HQ", "active": False})
    assert r.status_code == 200 and r.json["name_en"] == "Shenzhen HQ" and r.json["active"] is False
    assert r.json["code"] == "sz"  # codes are kept in lower case
    assert api("GET", "/admin/sites", "admin").json["total"] == 1
    assert api("PATCH", "/admin/sites/999999", "admin", json={}).status_code == 404


def test_admin_exports_are_csv(api, session, callers, need):
    for name in ("employees.csv", "needs.csv"):
        assert _statuses(api, "GET", f"/admin/exports/{name}")["coord"] == 403
        r = api("GET", f"/admin/exports/{name}", "admin")
        assert r.status_code == 200 and r.mimetype == "text/csv"
        assert "attachment" in r.headers["Content-Disposition"]
    assert need.title in api("GET", "/admin/exports/needs.csv", "admin").get_data(as_text=True)


def test_credentials_recorded_then_verified(api, session, callers):
    expires = (date.today() + timedelta(days=300)).isoformat()
    r = api("POST", "/me/credentials", "employee", json={"kind": "first_aid", "expires_on": expires,
                                                          "reference": "FA-1"})
    assert r.status_code == 200 and r.json["verified_at"] is None
    cred_id = r.json["id"]
    assert api("POST", "/me/credentials", "employee", json={"kind": "magic", "expires_on": expires}
               ).json["errors"][0]["field"] == "kind"
    assert [c["kind"] for c in api("GET", "/me/credentials", "employee").json["items"]] == ["first_aid"]
    assert api("GET", "/me/credentials", "other").json["items"] == []
    assert _statuses(api, "GET", "/admin/credentials")["coord"] == 403
    assert [c["id"] for c in api("GET", "/admin/credentials", "admin").json["items"]] == [cred_id]
    assert api("POST", f"/admin/credentials/{cred_id}/verify", "employee").status_code == 403
    r = api("POST", f"/admin/credentials/{cred_id}/verify", "admin")
    assert r.status_code == 200 and r.json["verified_at"]
    assert api("GET", "/admin/credentials", "admin").json["total"] == 0
    assert api("POST", "/admin/credentials/999999/verify", "admin").status_code == 404


def test_a_needs_required_credentials_are_set_by_its_coordinator_and_hold_back_confirmation(api, session, callers,
                                                                                            need):
    path = f"/needs/{need.id}/credentials"
    statuses = _statuses(api, "PUT", path, json={"kinds": ["first_aid"]})
    assert {k: statuses[k] for k in ("employee", "other", "coord2")} == {"employee": 403, "other": 403, "coord2": 403}
    r = api("PUT", path, "coord", json={"kinds": ["first_aid", "background_check", "first_aid"]})
    assert r.status_code == 200 and r.json["credentials"] == ["background_check", "first_aid"]
    assert api("GET", f"/needs/{need.id}", "employee").json["credentials"] == ["background_check", "first_aid"]
    bad = api("PUT", path, "coord", json={"kinds": ["magic"]})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"].startswith("kinds")
    # Volunteering for a need without approval would confirm at once: refused without the credentials.
    signed = api("POST", f"/needs/{need.id}/signup", "employee", json={})
    assert signed.status_code == 409 and "First aid certificate" in signed.json["detail"]
    assert api("PUT", path, "admin", json={"kinds": []}).json["credentials"] == []
    assert api("PUT", "/needs/999999/credentials", "coord", json={"kinds": []}).status_code == 404


def test_skill_gaps_report_and_calendar(api, session, callers, need):
    python = make_skill(session, name="Python")
    session.add(NeedSkill(need_id=need.id, skill_id=python.id, importance="must", min_level=2))
    session.commit()
    assert _statuses(api, "GET", "/reports/skills")["employee"] == 403
    r = api("GET", "/reports/skills", "coord")
    assert r.status_code == 200 and r.json["few"] >= 1
    assert any("Python" in str(row) for row in r.json["wanted"]["rows"])
    make_match(session, need, callers["employee"].user, status="confirmed")
    r = api("GET", "/me/commitments.ics", "employee")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    assert need.title in r.get_data(as_text=True)
    assert need.title not in api("GET", "/me/commitments.ics", "other").get_data(as_text=True)


def test_unverified_credentials_are_paged(api):
    r = api("GET", "/admin/credentials?page=2", "admin")
    assert r.status_code == 200 and r.json["page"] == 2 and r.json["items"] == []


def test_need_languages_through_the_api(api, session, callers, need):
    r = api("PATCH", f"/needs/{need.id}", "coord", json={"languages": ["zh", "en"]})
    assert r.status_code == 200 and r.json["languages"] == ["zh", "en"]
    bad = api("PATCH", f"/needs/{need.id}", "coord", json={"languages": ["klingon"]})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "languages"
    assert api("PATCH", f"/needs/{need.id}", "coord", json={"title": "Renamed"}).json["languages"] == ["zh", "en"]
