"""SSO-only mode: passwords are turned off for everyone but the break-glass administrators."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from empathy.models import User, UserSession
from empathy.sso.gate import GATED, RESET_TOKEN_KEY
from tests.factories import DEFAULT_PASSWORD, make_user

BREAK_GLASS = "root@example.com"


@pytest.fixture
def sso_only(app):
    app.config.update(SSO_ONLY=True, SSO_BREAK_GLASS_EMAILS=[BREAK_GLASS.upper()])
    return app


def _home(client) -> int:
    return client.get("/home").status_code


def test_every_gated_endpoint_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(GATED) <= endpoints


def test_the_reset_token_key_is_the_one_the_reset_pages_use():
    from empathy.accounts.views import RESET_TOKEN_KEY as used

    assert RESET_TOKEN_KEY == used


def test_password_sign_in_is_refused_with_a_clear_message(sso_only, client, auth, session):
    make_user(session, email="emp@example.com")
    resp = auth.login("emp@example.com", DEFAULT_PASSWORD)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "The email or password is not correct." in page
    assert "The form below is for break-glass administrators only" in page
    assert _home(client) == 302
    assert session.exec(select(UserSession)).all() == []


def _answers(client, method, path, **kwargs):
    resp = getattr(client, method)(path, **kwargs)
    body = resp.get_data(as_text=True)
    body = body.replace(kwargs.get("data", {}).get("email", "") or "@@", "EMAIL")  # the form echoes the address
    return resp.status_code, re.sub(r'name="csrf_token"[^>]*', "", body)


@pytest.mark.parametrize("email", ["emp@example.com", "nobody@example.com", "admin2@example.com"])
def test_nothing_tells_which_addresses_are_break_glass(sso_only, app, client, session, email):
    # Without the break-glass list at hand, a wrong password for the break-glass administrator, an employee's
    # address, an unknown one and another admin's get the same sign-in page, reset page and API answer.
    app.config["WTF_CSRF_ENABLED"] = False
    make_user(session, email="emp@example.com")
    make_user(session, email="admin2@example.com", role="admin")
    make_user(session, email=BREAK_GLASS, role="admin")

    def answers(address, password):
        return (_answers(client, "post", "/login", data={"email": address, "password": password}),
                _answers(client, "post", "/forgot", data={"email": address}),
                client.post("/api/v1/auth/token", json={"email": address, "password": password}).get_json())

    assert answers(email, DEFAULT_PASSWORD) == answers(BREAK_GLASS, "not the password")


def test_an_admin_not_on_the_break_glass_list_is_refused_too(sso_only, client, auth, session):
    make_user(session, email="admin2@example.com", role="admin")
    auth.login("admin2@example.com", DEFAULT_PASSWORD)
    assert _home(client) == 302


def test_a_break_glass_address_without_the_admin_role_is_refused(sso_only, client, auth, session):
    make_user(session, email=BREAK_GLASS, role="employee")
    auth.login(BREAK_GLASS, DEFAULT_PASSWORD)
    assert _home(client) == 302


def test_the_break_glass_admin_signs_in_with_a_password(sso_only, client, auth, session):
    make_user(session, email=BREAK_GLASS, role="admin")
    resp = auth.login(BREAK_GLASS, DEFAULT_PASSWORD)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/home")
    assert _home(client) == 200
    assert client.get("/account/password").status_code == 200  # and may change it


def test_the_login_page_says_passwords_are_off_and_hides_registration(sso_only, client):
    page = client.get("/login").get_data(as_text=True)
    assert "The form below is for break-glass administrators only" in page
    assert "Sign in with Mock ID" in page
    assert 'href="/register"' not in page
    zh = client.get("/login", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "下面的表单仅供应急管理员使用" in zh


def test_without_sso_only_passwords_work(app, client, auth, session):
    make_user(session, email="emp@example.com")
    auth.login("emp@example.com", DEFAULT_PASSWORD)
    assert _home(client) == 200


@pytest.mark.parametrize("path", ["/register", "/activate/some-token"])
def test_registration_reset_and_activation_are_off(sso_only, client, session, path):
    for resp in (client.get(path), client.post(path, data={"email": "new@example.com", "display_name": "N",
                                                            "password": "x" * 12, "confirm": "x" * 12})):
        assert resp.status_code == 403
        assert "Passwords are turned off here" in resp.get_data(as_text=True)
    assert session.exec(select(User)).all() == []


def test_others_may_not_ask_for_a_reset_link(sso_only, client, session, app):
    from empathy.models import OutboxMessage

    make_user(session, email="emp@example.com")
    resp = client.post("/forgot", data={"email": "emp@example.com"})
    assert resp.status_code == 200  # the page an unknown address gets
    assert session.exec(select(OutboxMessage)).all() == []


def test_the_break_glass_admin_may_ask_for_a_reset_link(sso_only, client, session):
    make_user(session, email=BREAK_GLASS, role="admin")
    assert client.post("/forgot", data={"email": BREAK_GLASS}).status_code == 200


def test_a_reset_link_works_for_the_break_glass_admin_only(sso_only, client, session, app):
    from empathy.accounts.services import password_links, password_reset

    admin = make_user(session, email=BREAK_GLASS, role="admin")
    employee = make_user(session, email="emp@example.com")
    for user, status in ((employee, 403), (admin, 200)):
        token = password_links.make_token(password_reset.LINK, user, secret_key=app.config["SECRET_KEY"])
        client.get(f"/reset/{token}")
        assert client.get("/reset").status_code == status


def test_a_signed_in_employee_may_not_set_a_password(sso_only, client, sso, provider):
    provider.set_user("emp-sub", email="emp@example.com", email_verified=True, name="Emp")
    sso("emp-sub")
    assert _home(client) == 200  # single sign-on works in SSO-only mode
    assert client.get("/account/password").status_code == 403


def test_the_api_refuses_a_password_token_except_for_break_glass(sso_only, client, session):
    make_user(session, email="emp@example.com")
    make_user(session, email=BREAK_GLASS, role="admin")
    refused = client.post("/api/v1/auth/token", json={"email": "emp@example.com", "password": DEFAULT_PASSWORD})
    assert refused.status_code == 401
    assert refused.content_type == "application/problem+json"
    assert refused.get_json()["detail"] == "The email or password is not correct."
    assert client.post("/api/v1/auth/token", json=["not", "an", "object"]).status_code == 422
    allowed = client.post("/api/v1/auth/token", json={"email": BREAK_GLASS, "password": DEFAULT_PASSWORD})
    assert allowed.status_code == 200 and allowed.get_json()["token"]


def test_the_api_document_says_sso_only_refuses_as_a_wrong_password(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/auth/token"]["post"]
    assert "401" in operation["responses"]
    assert "same 401 as a wrong password" in operation["description"]


def test_the_landing_page_signs_in_as_the_login_page_does(sso_only, client):
    page = client.get("/").get_data(as_text=True)
    assert "Sign in with Mock ID" in page
    assert "The form below is for break-glass administrators only" in page
    assert 'href="/register"' not in page
