"""Two-factor sign-in: set up with a code, then every sign-in (UI and API) needs one; codes work once."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlmodel import select

from empathy.accounts.services import two_factor
from empathy.core.crypto import KeyRing
from empathy.core.errors import ServiceError
from empathy.models import AuditEntry, TwoFactor, User, UserSession
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "li.na@example.com"


def _fresh(session):
    session.rollback()
    session.expire_all()
    return session


def _code(secret: str, at: float | None = None) -> str:
    return pyotp.TOTP(secret).at(at if at is not None else time.time())


def _next_code(secret: str) -> str:
    # Setting up used the current time step's code, and a code works once: the app's next one.
    return _code(secret, time.time() + 30)


def _turn_on(client, session) -> tuple[str, list[str]]:
    """Set up two-factor sign-in through the pages; returns the secret and the recovery codes shown."""
    assert client.post("/account/two-factor/setup").status_code == 302
    page = client.get("/account/two-factor/confirm").text
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert "<svg" in page  # the QR code, inline: no image request, no third party
    shown = client.post("/account/two-factor/confirm", data={"code": _code(secret)})
    assert shown.status_code == 200
    codes = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", shown.text)
    return secret, codes


@pytest.fixture
def keys(app):
    """The app's two-factor keys (the test app keeps its key file in the test's own folder)."""
    return KeyRing.for_totp(app.config, app.instance_path)


@pytest.fixture
def user(session):
    return make_user(session, email=EMAIL)


@pytest.fixture
def enrolled(client, auth, session, user):
    assert auth.login(EMAIL, DEFAULT_PASSWORD).status_code == 302
    secret, codes = _turn_on(client, session)
    client.post("/logout")
    return {"secret": secret, "codes": codes}


def _password_step(client, next_url: str = ""):
    return client.post("/login" + (f"?next={next_url}" if next_url else ""),
                       data={"email": EMAIL, "password": DEFAULT_PASSWORD})


def test_setting_up_needs_a_right_code_and_shows_ten_recovery_codes(client, auth, session, user, keys):
    auth.login(EMAIL, DEFAULT_PASSWORD)
    assert "Set up two-factor sign-in" in client.get("/account/two-factor").text
    client.post("/account/two-factor/setup")
    page = client.get("/account/two-factor/confirm").text
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    wrong = client.post("/account/two-factor/confirm",
                        data={"code": "000000" if _code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and "This code is not right" in wrong.text
    assert _fresh(session).get(TwoFactor, user.id) is None
    shown = client.post("/account/two-factor/confirm", data={"code": _code(secret)})
    codes = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", shown.text)
    assert len(set(codes)) == 10
    row = _fresh(session).get(TwoFactor, user.id)
    assert keys.open(row.sealed_secret) == secret and len(row.recovery_hashes) == 10
    assert secret not in row.sealed_secret  # sealed: the database alone does not give it away
    assert not any(c in str(row.recovery_hashes) for c in codes)  # only hashes are kept
    assert "10 of 10 recovery codes left" in client.get("/account/two-factor").text
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "two_factor_enabled")).one()
    assert entry.target_id == user.id


def test_the_password_alone_no_longer_signs_in(client, session, enrolled):
    response = _password_step(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert client.get("/home").status_code == 302  # not signed in yet
    assert _fresh(session).exec(select(UserSession)).all() == [] or all(
        s.revoked_at for s in session.exec(select(UserSession)))
    wrong = client.post("/login/code", data={"code": "123456" if _code(enrolled["secret"]) != "123456" else "654321"})
    assert wrong.status_code == 200 and "This code is not right" in wrong.text
    assert client.get("/home").status_code == 302


def test_a_code_signs_in_once_and_follows_next(client, app, session, enrolled):
    _password_step(client, "/commitments")
    code = _next_code(enrolled["secret"])
    response = client.post("/login/code", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/commitments"
    assert client.get("/home").status_code == 200
    # The same code again, from another browser with the right password: refused (no replay).
    other = app.test_client()
    _password_step(other)
    assert "This code is not right" in other.post("/login/code", data={"code": code}).text


def test_a_recovery_code_signs_in_once(client, app, session, enrolled):
    first = enrolled["codes"][0]
    _password_step(client)
    assert client.post("/login/code", data={"code": first.upper().replace("-", " ")}).status_code == 302
    other = app.test_client()
    _password_step(other)
    assert "This code is not right" in other.post("/login/code", data={"code": first}).text
    assert len(_fresh(session).exec(select(TwoFactor)).one().recovery_hashes) == 9


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(client, enrolled, monkeypatch):
    assert client.get("/login/code").headers["Location"] == "/login"
    _password_step(client)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/login/code", data={"code": _code(enrolled["secret"], later)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_wrong_codes_are_throttled_per_account_and_address(app, enrolled):
    client = app.test_client()
    _password_step(client)
    wrong = "000000" if _code(enrolled["secret"]) != "000000" else "111111"
    for _ in range(5):
        assert client.post("/login/code", data={"code": wrong}).status_code == 200
    assert client.post("/login/code", data={"code": _code(enrolled["secret"])}).status_code == 429
    # A fresh browser at the same address does not reset the count.
    again = app.test_client()
    _password_step(again)
    assert again.post("/login/code", data={"code": wrong}).status_code == 429


def test_wrong_codes_from_one_address_do_not_stop_the_owner_elsewhere(app, enrolled):
    # Someone who has the password guesses codes from A; the owner, in a new browser at B, signs in.
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    _password_step(attacker)
    wrong = "000000" if _next_code(enrolled["secret"]) != "000000" else "111111"
    for _ in range(5):
        assert attacker.post("/login/code", data={"code": wrong}).status_code == 200
    assert attacker.post("/login/code", data={"code": wrong}).status_code == 429
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    _password_step(owner)
    assert owner.post("/login/code", data={"code": _next_code(enrolled["secret"])}).status_code == 302


def test_turning_off_needs_the_password_and_a_code(client, auth, session, user, enrolled):
    _password_step(client)
    client.post("/login/code", data={"code": enrolled["codes"][1]})
    refused = client.post("/account/two-factor/disable",
                          data={"password": "not my password", "code": enrolled["codes"][2]})
    assert refused.status_code == 200 and "password is not correct" in refused.text
    assert _fresh(session).get(TwoFactor, user.id) is not None
    ok = client.post("/account/two-factor/disable", data={"password": DEFAULT_PASSWORD, "code": enrolled["codes"][2]})
    assert ok.status_code == 302
    assert _fresh(session).get(TwoFactor, user.id) is None
    client.post("/logout")
    assert _password_step(client).headers["Location"] == "/home"


def test_new_recovery_codes_replace_the_old_ones(client, session, user, enrolled, keys):
    _password_step(client)
    client.post("/login/code", data={"code": enrolled["codes"][0]})
    page = client.post("/account/two-factor/recovery-codes", data={"code": enrolled["codes"][1]})
    fresh_codes = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", page.text)
    assert len(fresh_codes) == 10 and not set(fresh_codes) & set(enrolled["codes"])
    assert not two_factor.verify(session=_fresh(session), user=user, code=enrolled["codes"][5], keys=keys)
    assert two_factor.verify(session=session, user=user, code=fresh_codes[0], keys=keys)


def test_the_api_asks_for_the_code_too(client, session, enrolled):
    body = {"email": EMAIL, "password": DEFAULT_PASSWORD}
    missing = client.post("/api/v1/auth/token", json=body)
    assert missing.status_code == 401 and "otp" in missing.get_json()["detail"]
    assert client.post("/api/v1/auth/token", json={**body, "otp": "000000x"}).status_code == 401
    made = client.post("/api/v1/auth/token", json={**body, "otp": _next_code(enrolled["secret"])})
    assert made.status_code == 200 and made.get_json()["token"]
    wrong_password = client.post("/api/v1/auth/token", json={**body, "password": "wrong password!!", "otp": "1"})
    assert wrong_password.get_json()["detail"] == "The email or password is not correct."


def test_an_admin_turns_it_off_for_a_user_who_lost_their_phone(app, client, auth, session, user, enrolled):
    make_user(session, role="admin", email="boss@example.com")
    victim = app.test_client()
    _password_step(victim)
    victim.post("/login/code", data={"code": enrolled["codes"][0]})
    assert victim.get("/home").status_code == 200
    auth.login("boss@example.com", DEFAULT_PASSWORD)
    listing = client.get("/admin/users").text
    assert "Turn off two-factor" in listing
    response = client.post(f"/admin/users/{user.id}/two-factor/reset", follow_redirects=True)
    assert "Two-factor sign-in is off for" in response.text
    assert _fresh(session).get(TwoFactor, user.id) is None
    assert victim.get("/home").status_code == 302  # signed out everywhere
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "two_factor_reset")).one()
    assert entry.target_id == user.id and entry.actor_id != user.id


def test_service_rejects_codes_outside_the_window(session, user, keys):
    secret = two_factor.new_secret()
    now = time.time()
    with pytest.raises(ServiceError):
        two_factor.enable(session=session, user=user, secret=secret, code=_code(secret, now - 120), keys=keys, now=now)
    two_factor.enable(session=session, user=user, secret=secret, code=_code(secret, now - 30), keys=keys, now=now)
    assert not two_factor.verify(session=session, user=user, code=_code(secret, now - 30), keys=keys, now=now)  # used
    assert two_factor.verify(session=session, user=user, code=_code(secret, now + 30), keys=keys, now=now)
    assert not two_factor.verify(session=session, user=user, code=_code(secret, now), keys=keys, now=now)  # older step


def test_deleting_the_account_removes_the_authenticator_and_the_download_holds_no_secret(client, auth, session,
                                                                                         user, enrolled):
    _password_step(client)
    client.post("/login/code", data={"code": enrolled["codes"][0]})
    data = client.get("/account/data.json").get_json()
    assert data["two_factor"]["recovery_codes_left"] == 9
    assert enrolled["secret"] not in client.get("/account/data.json").get_data(as_text=True)
    from empathy.privacy.account_data import delete_account

    delete_account(session=_fresh(session), user=session.get(User, user.id), password=DEFAULT_PASSWORD)
    assert _fresh(session).exec(select(TwoFactor)).all() == []


def test_required_roles_are_sent_to_set_it_up_first(app, client, auth, session, user):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ["admin"]
    make_user(session, role="admin", email="boss@example.com")
    auth.login(EMAIL, DEFAULT_PASSWORD)
    assert client.get("/home").status_code == 200  # employees are not asked
    client.post("/logout")
    auth.login("boss@example.com", DEFAULT_PASSWORD)
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    assert "asks you to use two-factor sign-in" in client.get("/account/two-factor").text
    api = client.post("/api/v1/auth/token", json={"email": "boss@example.com", "password": DEFAULT_PASSWORD})
    assert api.status_code == 401 and "Set up two-factor sign-in" in api.get_json()["detail"]
    _turn_on(client, session)
    assert client.get("/admin/users").status_code == 200


def test_odd_codes_are_refused_without_an_error(client, session, enrolled):
    _password_step(client)
    for code in ("١٢٣٤٥٦", "１２３４５６", "12345", "a" * 32, "", "abcde-fghij"):
        response = client.post("/login/code", data={"code": code})
        assert response.status_code == 200, code
    api = client.post("/api/v1/auth/token", json={"email": EMAIL, "password": DEFAULT_PASSWORD, "otp": "١٢٣٤٥٦"})
    assert api.status_code == 401


def test_the_same_code_sent_twice_at_once_works_once(app, session, user, keys):
    from concurrent.futures import ThreadPoolExecutor

    from sqlmodel import Session

    secret = two_factor.new_secret()
    now = time.time()
    codes = two_factor.enable(session=session, user=user, secret=secret, code=_code(secret, now - 30), keys=keys,
                              now=now)
    engine = session.get_bind()

    def attempt(code):
        with Session(engine, expire_on_commit=False) as own:
            return two_factor.verify(session=own, user=own.get(User, user.id), code=code, keys=keys, now=now)

    for code in (_code(secret, now), codes[0]):
        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(attempt, [code] * 6))
        assert results.count(True) == 1, (code, results)


def test_wrong_codes_on_the_settings_page_count_with_the_sign_in_step(app, client, session, enrolled):
    # `client` signed in before (the fixture): its device cookie carries one count for this browser.
    _password_step(client)
    wrong = "000000" if _next_code(enrolled["secret"]) != "000000" else "111111"
    for _ in range(2):
        assert client.post("/login/code", data={"code": wrong}).status_code == 200
    assert client.post("/login/code", data={"code": enrolled["codes"][0]}).status_code == 302
    for _ in range(2):
        assert client.post("/account/two-factor/recovery-codes", data={"code": wrong}).status_code == 302
    assert client.post("/account/two-factor/disable", data={"password": DEFAULT_PASSWORD, "code": wrong}
                       ).status_code == 200
    assert client.post("/account/two-factor/recovery-codes", data={"code": wrong}).status_code == 429
    assert client.post("/account/two-factor/disable", data={"password": DEFAULT_PASSWORD, "code": wrong}
                       ).status_code == 429
    # A browser without the cookie is counted apart, by account and address.
    other = app.test_client()
    _password_step(other)
    assert other.post("/login/code", data={"code": _next_code(enrolled["secret"])}).status_code == 302


def test_turning_on_signs_out_other_devices_and_tells_the_user(app, client, auth, session, user):
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": EMAIL, "password": DEFAULT_PASSWORD})
    auth.login(EMAIL, DEFAULT_PASSWORD)
    _turn_on(client, session)
    assert client.get("/home").status_code == 200
    assert elsewhere.get("/home").status_code == 302
    from empathy.models import OutboxMessage

    notice = _fresh(session).exec(select(OutboxMessage).where(OutboxMessage.kind == "two_factor")).one()
    assert notice.to_address == EMAIL and "turned on" in notice.body


def test_a_password_change_voids_a_half_finished_sign_in(client, session, user, enrolled):
    from empathy.accounts.services import auth as auth_service

    _password_step(client)
    auth_service.change_password(session=_fresh(session), user=session.get(User, user.id),
                                 current=DEFAULT_PASSWORD, new="a new long passphrase 9")
    response = client.post("/login/code", data={"code": _next_code(enrolled["secret"])})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_tokens_made_before_a_role_required_two_factor_stop_working(app, client, session):
    from empathy.accounts.services import tokens

    boss = make_user(session, role="admin", email="boss@example.com")
    _row, secret = tokens.create_token(session=session, user=boss, name="old", secret_key="test-secret-key")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ["admin"]
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and "two-factor" in refused.get_json()["detail"]


def test_an_account_without_a_password_turns_it_off_with_a_code_and_cannot_set_it_up_here(
        client, session, user, enrolled):
    # Single sign-on accounts have no password: the identity provider asks for their second factor.
    _password_step(client)
    client.post("/login/code", data={"code": enrolled["codes"][1]})
    row = _fresh(session).get(User, user.id)
    row.password_hash = None  # as an account made by single sign-on
    session.add(row)
    session.commit()
    page = client.get("/account/two-factor").text
    assert 'name="password"' not in page and 'name="code"' in page
    off = client.post("/account/two-factor/disable", data={"code": enrolled["codes"][2]})
    assert off.status_code == 302
    assert _fresh(session).get(TwoFactor, user.id) is None
    page = client.get("/account/two-factor").text
    assert "Set up two-factor sign-in" not in page and "Set it up there" in page
    assert client.post("/account/two-factor/setup").headers["Location"].endswith("/account/two-factor")
    assert "set up a second factor there" in client.get("/account/two-factor").text


def test_turning_off_without_a_password_is_refused_for_an_account_that_has_one(session, user, keys):
    secret = two_factor.new_secret()
    now = time.time()
    two_factor.enable(session=session, user=user, secret=secret, code=_code(secret, now - 30), keys=keys, now=now)
    with pytest.raises(ServiceError, match="password is not correct"):
        two_factor.disable(session=session, user=user, password=None, code=_code(secret, now), keys=keys, now=now)
