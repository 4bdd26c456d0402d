"""Administration through the API: the CSV import, users, the skill taxonomy, sites and exports."""

import pytest
from sqlmodel import select

from empathy.models import EmployeeSkill, Skill, User
from tests.factories import add_employee_skill, make_need, make_skill


@pytest.fixture
def need(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=3, seats_taken=1)


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


def test_admin_changes_role_and_activation(api, session, callers):
    target = callers["employee"].user
    assert api.statuses("PATCH", f"/admin/users/{target.id}", json={})["coord"] == 403
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
    assert api.statuses("GET", "/admin/skills")["coord"] == 403
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
    assert api.statuses("GET", "/admin/sites")["coord2"] == 403
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
        assert api.statuses("GET", f"/admin/exports/{name}")["coord"] == 403
        r = api("GET", f"/admin/exports/{name}", "admin")
        assert r.status_code == 200 and r.mimetype == "text/csv"
        assert "attachment" in r.headers["Content-Disposition"]
    assert need.title in api("GET", "/admin/exports/needs.csv", "admin").get_data(as_text=True)
