"""Failed sign-ins are throttled without letting anyone lock an owner out; successes are not counted.

Addresses come from REMOTE_ADDR (the test client's environ_base): A is an attacker's, B and C the owner's.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from sqlmodel import Session, select

from empathy.accounts.throttling import DEVICE_COOKIE
from empathy.core.ratelimit import DatabaseStorage
from empathy.models import RateLimitCounter
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "li@example.com"
A, B, C = "203.0.113.5", "198.51.100.7", "192.0.2.44"


def _browser(app, address: str = A) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _fail(client, email=EMAIL):
    return client.post("/login", data={"email": email, "password": "wrong password!!"})


def _sign_in(client, email=EMAIL):
    return client.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})


def _token(client, password=DEFAULT_PASSWORD, email=EMAIL):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def test_failed_logins_are_throttled_per_account_and_address(app, client, session):
    make_user(session, email=EMAIL)
    for _ in range(5):
        assert _fail(client).status_code == 200
    blocked = _fail(client)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.text and "Try again in 15 minutes" in blocked.text
    assert 890 <= int(blocked.headers["Retry-After"]) <= 900
    # The right password is refused too, from this address and a browser never signed in here.
    assert _sign_in(client).status_code == 429


def test_an_attackers_wrong_passwords_never_refuse_the_owner_elsewhere(app, session):
    # The input: 5 wrong passwords from A, then the owner's right one from B, six times.
    make_user(session, email=EMAIL)
    attacker = _browser(app, A)
    for _ in range(5):
        assert _fail(attacker).status_code == 200
    assert _fail(attacker).status_code == 429
    for _ in range(6):
        owner = _browser(app, B)  # a browser that never signed in here: no device cookie
        assert _sign_in(owner).status_code == 302
        owner.post("/logout")
    assert _fail(attacker).status_code == 429  # and the attacker is still stopped


def test_an_attackers_wrong_passwords_never_refuse_the_owners_api_client_elsewhere(app, session):
    make_user(session, email=EMAIL)
    attacker = _browser(app, A)
    for _ in range(5):
        assert _token(attacker, "wrong password!!").status_code == 401
    refused = _token(attacker, "wrong password!!")
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    for _ in range(6):
        assert _token(_browser(app, B)).status_code == 200


def test_web_and_api_failures_count_together(app, session):
    make_user(session, email=EMAIL)
    attacker = _browser(app, A)
    for _ in range(3):
        assert _fail(attacker).status_code == 200
    for _ in range(2):
        assert _token(attacker, "wrong password!!").status_code == 401
    assert _fail(attacker).status_code == 429
    assert _token(attacker).status_code == 429


def test_failed_logins_are_throttled_per_address(app, session):
    attacker = _browser(app, A)
    for n in range(10):
        assert _fail(attacker, f"user{n}@example.com").status_code == 200
    refused = _fail(attacker, "another@example.com")
    assert refused.status_code == 429 and "from your network" in refused.text
    assert _fail(_browser(app, B), "another@example.com").status_code == 200


def test_guessing_from_many_addresses_stops_new_browsers_but_not_the_owners(app, session):
    make_user(session, email=EMAIL)
    owner = _browser(app, B)
    assert _sign_in(owner).status_code == 302  # the owner's browser gets a device cookie
    owner.post("/logout")
    for n in range(5):  # 5 addresses, 4 wrong passwords each: 20, the per-account limit
        attacker = _browser(app, f"203.0.113.{10 + n}")
        for _ in range(4):
            assert _fail(attacker).status_code == 200
    stopped = _fail(_browser(app, "203.0.113.99"))
    assert stopped.status_code == 429
    assert "Sign in from a browser you have signed in with before" in stopped.text
    # A new browser is stopped, even with the right password ...
    assert _sign_in(_browser(app, C)).status_code == 429
    # ... but the owner's own browser is not, from any address.
    owner.environ_base["REMOTE_ADDR"] = C
    assert _sign_in(owner).status_code == 302
    # The API has no device cookie: the owner makes a token on the web page instead.
    api = _token(_browser(app, C))
    assert api.status_code == 429 and "API tokens page" in api.json["detail"]


def test_a_known_browser_counts_its_own_failures(app, session):
    make_user(session, email=EMAIL)
    owner = _browser(app, B)
    _sign_in(owner)
    owner.post("/logout")
    for _ in range(5):
        assert _fail(owner).status_code == 200
    assert _fail(owner).status_code == 429
    # Nothing was counted against the address or the account: another browser there still tries.
    assert _sign_in(_browser(app, B)).status_code == 302


def test_a_device_cookie_counts_only_for_its_account_and_cannot_be_forged(app, session):
    make_user(session, email=EMAIL)
    make_user(session, email="mine@example.com")
    attacker = _browser(app, A)
    assert _sign_in(attacker, "mine@example.com").status_code == 302  # a cookie for their own account
    attacker.post("/logout")
    for _ in range(5):
        _fail(attacker)
    assert _fail(attacker).status_code == 429
    forger = _browser(app, A)
    forger.set_cookie(DEVICE_COOKIE, attacker.get_cookie(DEVICE_COOKIE).value[:-3] + "abc")
    assert _fail(forger).status_code == 429


def test_the_device_cookie_is_httponly_and_names_no_account(app, session):
    make_user(session, email=EMAIL)
    owner = _browser(app, B)
    response = _sign_in(owner)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE + "="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=15552000" in header  # 180 days
    data = URLSafeSerializer("test-secret-key", salt="empathy.device-cookie").loads(
        owner.get_cookie(DEVICE_COOKIE).value)
    (tag,) = data
    assert re.fullmatch(r"[0-9a-f]{24}", tag) and EMAIL not in str(data)


def test_the_device_cookie_is_secure_when_the_site_is_https(database_url):
    from empathy import create_app
    from empathy.core.db import get_engine

    app = create_app({"TESTING": False, "DATABASE_URL": database_url, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False,
                      "BASE_URL": "https://empathy.example.com"})
    with Session(get_engine(app)) as session:
        make_user(session, email=EMAIL)
    response = _sign_in(_browser(app, B))
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE + "="))
    assert "Secure" in header
    get_engine(app).dispose()


def test_setting_a_new_password_through_a_reset_link_makes_the_browser_known(app, session):
    from tests.accounts.test_password_reset import _ask, _token_from_mail

    make_user(session, email=EMAIL)
    for n in range(5):
        attacker = _browser(app, f"203.0.113.{10 + n}")
        for _ in range(4):
            _fail(attacker)
    owner = _browser(app, C)
    assert _sign_in(owner).status_code == 429
    _ask(owner, EMAIL)
    owner.get(f"/reset/{_token_from_mail(session)}")
    new = "a brand new passphrase 77"
    assert owner.post("/reset", data={"password": new, "confirm": new}).status_code == 302
    assert owner.post("/login", data={"email": EMAIL, "password": new}).status_code == 302


def test_successful_logins_are_not_counted(app, session):
    make_user(session, email=EMAIL)
    for _ in range(12):
        c = app.test_client()
        assert _sign_in(c).status_code == 302


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(app, session):
    attacker = _browser(app, A)
    for n in range(10):
        attacker.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.0.0.{n}"  # a client picking its address
        assert _fail(attacker, f"user{n}@example.com").status_code == 200
    assert _fail(attacker, "another@example.com").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_counts(database_url, tmp_path):
    from empathy import create_app

    app = create_app({"TESTING": False, "DATABASE_URL": database_url, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False,
                      "TRUSTED_PROXIES": 1})
    proxy = _browser(app, "127.0.0.1")  # every request comes from the proxy
    for n in range(10):
        # The client put a made-up address first; the proxy appended the one it saw.
        proxy.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.0.0.{n}, {A}"
        assert _fail(proxy, f"user{n}@example.com").status_code == 200
    assert _fail(proxy, "another@example.com").status_code == 429
    proxy.environ_base["HTTP_X_FORWARDED_FOR"] = B  # another client behind the same proxy
    assert _fail(proxy, "another@example.com").status_code == 200
    from empathy.core.db import get_engine
    get_engine(app).dispose()


def test_an_ipv6_client_counts_as_its_64_network(app, session):
    for n in range(10):
        attacker = _browser(app, f"2001:db8:1:2::{n + 1:x}")
        assert _fail(attacker, f"user{n}@example.com").status_code == 200
    assert _fail(_browser(app, "2001:db8:1:2:ffff::1"), "x@example.com").status_code == 429
    assert _fail(_browser(app, "2001:db8:1:3::1"), "x@example.com").status_code == 200


def test_registrations_are_throttled_per_address(app, client):
    for n in range(10):
        client.post("/register", data={"display_name": "x", "email": f"bad{n}", "password": "x", "confirm": "y"})
    response = client.post("/register",
                           data={"display_name": "x", "email": "z@example.com", "password": "x", "confirm": "y"})
    assert response.status_code == 429


def _break_the_counters(monkeypatch):
    def fail(self, *args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(DatabaseStorage, "_write", fail)
    monkeypatch.setattr(DatabaseStorage, "_read", fail)


def test_when_the_counters_cannot_be_written_sign_in_fails_closed_without_a_500(app, session, monkeypatch):
    make_user(session, email=EMAIL)
    _break_the_counters(monkeypatch)
    page = _sign_in(_browser(app, B))
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Try again in a few seconds" in page.text
    api = _token(_browser(app, B))
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.headers["Retry-After"] == "5"


def test_when_the_counters_cannot_be_written_registration_goes_on(app, session, monkeypatch):
    _break_the_counters(monkeypatch)
    response = _browser(app, B).post("/register", data={
        "display_name": "New", "email": "new@example.com", "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_counters_keep_no_address_or_e_mail_in_clear(app, session):
    make_user(session, email=EMAIL)
    _fail(_browser(app, A))
    keys = session.exec(select(RateLimitCounter.key)).all()
    assert len(keys) == 3 and all(len(k) == 64 and "@" not in k and A not in k for k in keys)


def test_with_flask_limiters_limits_turned_off_sign_in_works_and_passwords_are_still_throttled(database_url,
                                                                                                tmp_path):
    # RATELIMIT_ENABLED = False leaves Flask-Limiter without a storage: sign-in answered 500. The password
    # throttles count in the process's memory instead. (No other app of this test may initialise the
    # limiter first: it is one object for every app of the process.)
    from empathy import create_app
    from empathy.core.db import get_engine

    app = create_app({"TESTING": False, "DATABASE_URL": database_url, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "MATCH_MODEL_DIR": str(tmp_path / "models"),
                      "TOTP_KEY_FILE": str(tmp_path / "totp-key")})
    with Session(get_engine(app)) as session:
        make_user(session, email=EMAIL)
    assert _sign_in(_browser(app, B)).status_code == 302
    attacker = _browser(app)
    assert [_fail(attacker).status_code for _ in range(6)] == [200] * 5 + [429]
    assert _browser(app, C).post("/forgot", data={"email": EMAIL}).status_code == 200
    get_engine(app).dispose()
