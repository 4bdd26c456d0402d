"""Session cookies: HttpOnly and SameSite always, Secure whenever the site is served over HTTPS."""

from __future__ import annotations

from empathy import create_app
from tests.factories import DEFAULT_PASSWORD, make_user


def test_cookies_are_secure_when_the_site_is_https(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k",
                      "BASE_URL": "https://empathy.example.com", "WTF_CSRF_ENABLED": False})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    local = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k"})
    assert not local.config["SESSION_COOKIE_SECURE"]  # http://127.0.0.1 in development


def test_sign_in_cookie_is_httponly_and_samesite(client, session):
    make_user(session, email="a@example.com")
    resp = client.post("/login", data={"email": "a@example.com", "password": DEFAULT_PASSWORD, "remember": "y"})
    cookies = resp.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
