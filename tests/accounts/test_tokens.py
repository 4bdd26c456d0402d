"""Personal access tokens: hashed, revocable, expiring, ended by a new password or deactivation."""

from datetime import timedelta

from sqlmodel import select

from empathy.accounts.services import auth, tokens
from empathy.core.db import utcnow
from empathy.models import ApiToken
from tests.api.fixtures import SECRET, token_for
from tests.factories import DEFAULT_PASSWORD, make_user


def test_token_is_stored_only_as_an_hmac(session):
    user = make_user(session)
    row, secret = tokens.create_token(session=session, user=user, name="script", secret_key=SECRET)
    stored = session.exec(select(ApiToken)).one()
    assert secret not in stored.token_hash and len(stored.token_hash) == 64
    assert tokens.load_token_user(session=session, secret=secret, secret_key=SECRET).id == user.id
    # The same token checked with another secret key does not match.
    assert tokens.load_token_user(session=session, secret=secret, secret_key="other") is None


def test_bearer_token_signs_in_and_records_last_use(client, session):
    user = make_user(session)
    secret = token_for(session, user)
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200 and r.json["email"] == user.email
    session.expire_all()
    assert session.exec(select(ApiToken)).one().last_used_at is not None


def test_missing_or_wrong_token_is_401_problem(client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        r = client.get("/api/v1/me", headers=headers)
        assert r.status_code == 401
        assert r.mimetype == "application/problem+json"
        assert r.json["status"] == 401 and r.json["title"]
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_session_cookie_is_ignored_by_the_api(client, auth, session):
    make_user(session, email="web@example.com")
    assert auth.login("web@example.com", DEFAULT_PASSWORD).status_code == 302
    assert client.get("/").status_code in (200, 302)
    r = client.get("/api/v1/me")
    assert r.status_code == 401
    # And a cookie-only write is refused too (no CSRF hole through the API).
    assert client.post("/api/v1/needs", json={}).status_code == 401


def test_revoked_token_stops_working(client, session):
    user = make_user(session)
    row, secret = tokens.create_token(session=session, user=user, name="x", secret_key=SECRET)
    tokens.revoke_token(session=session, user=user, token_id=row.id)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_expired_token_stops_working(session):
    user = make_user(session)
    past = utcnow() - timedelta(days=31)
    _row, secret = tokens.create_token(session=session, user=user, name="x", secret_key=SECRET, now=past)
    assert tokens.load_token_user(session=session, secret=secret, secret_key=SECRET) is None
    assert tokens.load_token_user(session=session, secret=secret, secret_key=SECRET,
                                  now=past + timedelta(days=29)) is not None


def test_password_change_ends_tokens(session):
    user = make_user(session)
    secret = token_for(session, user)
    auth.change_password(session=session, user=user, current=DEFAULT_PASSWORD, new="another long passphrase 9")
    assert tokens.load_token_user(session=session, secret=secret, secret_key=SECRET) is None


def test_deactivation_ends_tokens(session):
    user = make_user(session)
    secret = token_for(session, user)
    auth.set_active(session=session, user=user, active=False)
    assert tokens.load_token_user(session=session, secret=secret, secret_key=SECRET) is None
    tokens.revoke_all_tokens(session, user.id)
    session.commit()
    auth.set_active(session=session, user=user, active=True)
    assert tokens.load_token_user(session=session, secret=secret, secret_key=SECRET) is None


def test_someone_elses_token_cannot_be_revoked(session):
    import pytest

    from empathy.core.errors import NotFound

    a, b = make_user(session), make_user(session)
    row, _secret = tokens.create_token(session=session, user=a, name="x", secret_key=SECRET)
    with pytest.raises(NotFound):
        tokens.revoke_token(session=session, user=b, token_id=row.id)


def test_auth_token_endpoint_issues_a_30_day_token(client, session):
    make_user(session, email="hr@example.com")
    r = client.post("/api/v1/auth/token", json={"email": "HR@example.com", "password": DEFAULT_PASSWORD})
    assert r.status_code == 200, r.json
    assert r.json["token"].startswith("emp_")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json['token']}"}).status_code == 200
    row = session.exec(select(ApiToken)).one()
    assert timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)


def test_auth_token_refuses_wrong_password_and_invalid_bodies(client, session):
    make_user(session, email="hr@example.com")
    r = client.post("/api/v1/auth/token", json={"email": "hr@example.com", "password": "wrong"})
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    r = client.post("/api/v1/auth/token", json={"email": "hr@example.com"})
    assert r.status_code == 422
    assert {"field": "password", "message": "This field is required."} in r.json["errors"]
    assert client.post("/api/v1/auth/token", data="not json").status_code == 422


def test_failed_token_requests_are_throttled_per_account_but_successes_are_not(client, session):
    make_user(session, email="hr@example.com")
    good = {"email": "hr@example.com", "password": DEFAULT_PASSWORD}
    for _ in range(8):  # successes are never counted
        assert client.post("/api/v1/auth/token", json=good).status_code == 200
    for _ in range(5):
        assert client.post("/api/v1/auth/token", json={**good, "password": "bad"}).status_code == 401
    r = client.post("/api/v1/auth/token", json=good)
    assert r.status_code == 429
    assert r.mimetype == "application/problem+json" and r.json["status"] == 429


def test_tokens_settings_page_creates_shows_once_lists_and_revokes(client, auth, session):
    make_user(session, email="web@example.com")
    auth.login("web@example.com", DEFAULT_PASSWORD)
    page = client.get("/account/tokens", follow_redirects=True)  # via an address with a one-time token
    assert page.status_code == 200 and "You have no tokens yet." in page.text
    r = client.post("/account/tokens", data={"name": "HR sync", "expires": "30"})
    assert r.status_code == 200
    secret = next(w for w in r.text.replace('"', " ").split() if w.startswith("emp_"))
    assert "HR sync" in r.text
    assert secret not in client.get("/account/tokens", follow_redirects=True).text  # shown once
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    row = session.exec(select(ApiToken)).one()
    r = client.post(f"/account/tokens/{row.id}/revoke")
    assert r.status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.post("/account/tokens", data={"name": "", "expires": "30"}).status_code == 422


def test_tokens_page_needs_sign_in(client):
    assert client.get("/account/tokens").status_code == 302


def test_the_token_form_sent_twice_makes_one_token(client, auth, session):
    make_user(session, email="twice@example.com")
    auth.login("twice@example.com", DEFAULT_PASSWORD)
    address = client.get("/account/tokens").headers["Location"]
    assert address.startswith("/account/tokens?once=")
    assert client.post(address, data={"name": "HR sync", "expires": "30"}).status_code == 200
    again = client.post(address, data={"name": "HR sync", "expires": "30"}, follow_redirects=True)
    assert "Already recorded" in again.text and "emp_" not in again.text
    session.rollback()
    assert len(session.exec(select(ApiToken)).all()) == 1
