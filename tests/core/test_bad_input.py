"""Input that once gave a 500 answers an empty page or a clear 4xx (issue 15, fault 5), on every route of its kind."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from empathy.core.db import get_engine
from empathy.models import User
from empathy.scim.services import tokens as provisioning_tokens
from tests.security.test_access_matrix import FIXED, PARAMS, url_for_case
from tests.security.world import build_world

HUGE = "99999999999999999999"  # past SQLite's and PostgreSQL's integers


@pytest.fixture
def world(app):
    with Session(get_engine(app), expire_on_commit=False) as session:
        return build_world(session)


def signed_in(app, world, role):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = world.sessions[role], True
    return client


def get_rules(app, *, with_ids: bool):
    for rule in app.url_map.iter_rules():
        has_ids = any(PARAMS.get(name) for name in rule.arguments)
        if "GET" in rule.methods and rule.endpoint != "static" and has_ids == with_ids:
            yield rule


@pytest.mark.parametrize("role", ["emp", "coord", "admin"])
def test_every_page_takes_huge_numbers_in_its_query_string(app, world, role):
    client = signed_in(app, world, role)
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    query = {"page": HUGE, "per_page": HUGE, "shown": HUGE, "member": HUGE, "id": HUGE}
    answers = {rule.rule: client.get(url_for_case(rule, {}, world), query_string=query, headers=headers).status_code
               for rule in get_rules(app, with_ids=False)}
    assert answers["/needs"] == answers["/notifications"] == 200
    assert answers["/admin/users"] == (200 if role == "admin" else 403)
    assert answers["/api/v1/needs"] == 422
    assert [url for url, code in answers.items() if code >= 500] == []


def _provisioning_token(app) -> str:
    with Session(get_engine(app), expire_on_commit=False) as session, app.app_context():
        admin = session.exec(select(User).where(User.role == "admin")).first()
        return provisioning_tokens.create_token(session=session, actor=admin, name="t",
                                                secret_key=app.config["SECRET_KEY"])[1]


def test_a_huge_id_in_a_url_is_not_found(app, world):
    client = signed_in(app, world, "admin")
    scim_token = _provisioning_token(app)  # /scim/v2 takes a provisioning token, not a personal one
    for rule in get_rules(app, with_ids=True):
        url = url_for_case(rule, {name: HUGE for name in rule.arguments if name not in FIXED}, world)
        token = scim_token if url.startswith("/scim/") else world.tokens["admin"]
        assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 404, url
    assert client.post(f"/needs/{HUGE}/volunteer").status_code == 404
    patch = client.patch(f"/api/v1/needs/{HUGE}", json={}, headers={"Authorization": f"Bearer {world.tokens['admin']}"})
    assert patch.status_code == 404  # not 405 from the route of another method
    assert patch.mimetype == "application/problem+json"


def test_a_huge_id_in_a_form_is_ignored(app, world):
    response = signed_in(app, world, "emp").post("/notifications/read", data={"id": HUGE})
    assert response.status_code == 302


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Los_Angeles"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_need_filters_refuse_days_out_of_range(app, world, zone, day):
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    for url in ("/needs", "/needs/all", "/needs/mine"):
        response = signed_in(app, world, "coord").get(url, query_string={"date_from": day, "date_to": day})
        assert response.status_code == 200
        assert "Enter a date between 2000 and 2100." in response.get_data(as_text=True)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Los_Angeles"])
def test_need_form_refuses_year_one(app, world, zone):
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    data = {"title": "T", "cause": "education", "starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T02:00",
            "seats": "1", "hours_per_volunteer": "2"}
    response = signed_in(app, world, "coord").post("/needs/new", data=data)
    assert response.status_code == 200
    assert "The year must be between 1900 and 2200." in response.get_data(as_text=True)
    assert "Value error" not in response.get_data(as_text=True)


@pytest.mark.parametrize("body", ["[" * 50_000 + "]" * 50_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
@pytest.mark.parametrize("url", ["/api/v1/auth/token", "/api/v1/needs"])
def test_deeply_nested_json_is_refused(client, world, body, url):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {world.tokens['coord']}"}
    response = client.post(url, data=body, headers=headers)
    assert response.status_code == 422  # as any body that is not a JSON object
    assert response.mimetype == "application/problem+json"


# Found by the fuzz tests (tests/security/test_fuzz_*.py, tests/api/test_fuzz_bodies.py).
@pytest.mark.parametrize("where", ["query", "form", "key"])
def test_a_nul_character_in_a_query_string_or_form_is_a_400_with_its_reason(app, world, where):
    client = signed_in(app, world, "coord")
    if where == "query":
        response = client.get("/needs", query_string={"q": "a\x00b"})
    elif where == "form":
        response = client.post("/needs/new", data={"title": "T\x00", "cause": "education"})
    else:
        response = client.get("/admin/users", query_string={"\x00": "1"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_the_api_names_the_field_that_holds_a_nul_character(client, world):
    response = client.get("/api/v1/needs", query_string={"q": "a\x00b"},
                          headers={"Authorization": f"Bearer {world.tokens['emp']}"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("blank", [" ", "\t", "\r\n"])
@pytest.mark.parametrize("url", ["/needs", "/needs/mine", "/needs/all"])
def test_a_blank_filter_is_no_filter(app, world, url, blank):
    response = signed_in(app, world, "coord").get(url, query_string={"status": blank, "cause": blank, "where": blank})
    assert response.status_code == 200


@pytest.mark.parametrize("body", [b"", b"kinds=\xff\xfe"])  # no form data at all, or none that decodes as UTF-8
def test_required_credentials_without_form_data_are_none(app, world, body):
    response = signed_in(app, world, "coord").post(
        f"/needs/{world.ids['need_id']}/credentials", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302


@pytest.mark.parametrize("site", [HUGE, "²", "٣"])
@pytest.mark.parametrize("method,url", [("PUT", "/api/v1/me/profile"), ("POST", "/api/v1/needs")])
def test_a_site_id_out_of_range_or_in_other_digits_is_an_unknown_site(client, world, site, method, url):
    body = {"site": site}
    if method == "POST":
        body |= {"title": "T", "cause": "education", "starts_at": "2030-01-01T09:00:00+08:00",
                 "ends_at": "2030-01-01T12:00:00+08:00"}
    response = client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {world.tokens['coord']}"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "site"


def test_a_member_id_out_of_range_is_ignored(app, world):
    response = signed_in(app, world, "coord").get(f"/needs/{world.ids['need_id']}/team",
                                                  query_string=[("member", HUGE), ("member", "²")])
    assert response.status_code == 200


def test_id_in_text_takes_ascii_digits_in_the_databases_range_only():
    from empathy.core.inputs import MAX_ID, id_in_text

    assert [id_in_text(t) for t in ("7", str(MAX_ID), "0", str(MAX_ID + 1), HUGE, "²", "٣", "-1", " 7", "", None)] \
        == [7, MAX_ID, None, None, None, None, None, None, None, None, None]


def test_suggestions_name_the_credentials_a_candidate_lacks(app):
    from empathy.profiles.credentials import label
    from tests.security.fuzzing import build_fuzz_world

    with Session(get_engine(app), expire_on_commit=False) as session:
        world = build_fuzz_world(session, app.config["MATCH_MODEL_PATH"])
    response = signed_in(app, world, "coord").get(f"/needs/{world.ids['need_id']}/suggestions")
    assert response.status_code == 200
    assert f"Lacks: {label('first_aid')}" in response.get_data(as_text=True)  # all but "emp", who holds it
