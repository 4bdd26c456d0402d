"""Forgotten passwords: a mailed, signed, single-use link that expires, and a form that reveals nothing."""

from __future__ import annotations

import re
import time

import pytest
from sqlmodel import select

from empathy.accounts.services import activation, password_reset, tokens
from empathy.accounts.services.passwords import verify_password
from empathy.core.errors import ServiceError
from empathy.models import ApiToken, AuditEntry, OutboxMessage, User, UserSession
from tests.factories import DEFAULT_PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase 77"
SECRET = "test-secret-key"
LINK = re.compile(r"http://[^/\s]+/reset/(\S+)")


def _fresh(session):
    session.rollback()
    session.expire_all()
    return session


def _mails(session, kind="password_reset"):
    return _fresh(session).exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def _ask(client, email):
    response = client.post("/forgot", data={"email": email})
    # A WSGI server closes the response once sent, which runs the lookup and the mail; the test
    # client closes only when told to.
    response.close()
    return response


def _token_from_mail(session) -> str:
    (mail,) = _mails(session)
    return LINK.search(mail.body).group(1)


def _without_csrf(html: str) -> str:
    # Every page carries its own CSRF token (the language switcher's form).
    return re.sub(r'value="[\w.-]{60,}"', "", html)


def test_sign_in_page_links_to_the_reset_form(client):
    page = client.get("/login").text
    assert 'href="/forgot"' in page and "Forgot your password?" in page
    form = client.get("/forgot").text
    assert 'name="email"' in form and "Send me a link" in form


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(app, session):
    make_user(session, email="li.na@example.com")
    known = _ask(app.test_client(), "Li.Na@example.com")
    unknown = _ask(app.test_client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.text) == _without_csrf(unknown.text)
    assert "If an account uses this address" in known.text and "60 minutes" in known.text
    assert "li.na@example.com" not in known.text.lower()
    (mail,) = _mails(session)
    assert mail.to_address == "li.na@example.com"
    assert "60 minutes" in mail.body and LINK.search(mail.body)
    assert mail.status == "logged"  # delivered (no SMTP server here: logged) after the response


def test_nothing_is_looked_up_before_the_response_is_out(client, session):
    make_user(session, email="li.na@example.com")
    response = client.post("/forgot", data={"email": "li.na@example.com"})
    assert response.status_code == 200 and _mails(session) == []
    response.close()
    assert len(_mails(session)) == 1


def test_no_mail_for_a_deactivated_account_and_bad_input_is_explained(client, session):
    make_user(session, email="gone@example.com", active=False)
    assert "If an account uses this address" in _ask(client, "gone@example.com").text
    assert _mails(session) == []
    response = _ask(client, "not an address")
    assert response.status_code == 200 and "Enter an e-mail address such as name@example.com." in response.text
    assert 'value="not an address"' in response.text


def test_the_link_sets_a_new_password_and_ends_every_session_and_token(app, client, session):
    user = make_user(session, email="li.na@example.com")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": "li.na@example.com", "password": DEFAULT_PASSWORD})
    assert elsewhere.get("/home").status_code == 200
    tokens.create_token(session=session, user=user, name="phone", secret_key=SECRET)
    _ask(client, "li.na@example.com")
    token = _token_from_mail(session)

    opened = client.get(f"/reset/{token}")
    assert opened.status_code == 302 and opened.headers["Location"] == "/reset"
    page = client.get("/reset")
    assert page.status_code == 200 and "li.na@example.com" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    response = client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "every device is signed out" in client.get("/login").text

    fresh = _fresh(session).get(User, user.id)
    assert verify_password(fresh.password_hash, NEW_PASSWORD)
    assert elsewhere.get("/home").status_code == 302  # signed out
    assert all(s.revoked_at for s in session.exec(select(UserSession).where(UserSession.user_id == user.id)))
    assert all(t.revoked_at for t in session.exec(select(ApiToken).where(ApiToken.user_id == user.id)))
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "password_reset")).one()
    assert (entry.actor_id, entry.target_id) == (user.id, user.id)
    assert client.post("/login", data={"email": "li.na@example.com", "password": NEW_PASSWORD}).status_code == 302


def test_a_used_link_is_refused(client, session):
    make_user(session, email="li.na@example.com")
    _ask(client, "li.na@example.com")
    token = _token_from_mail(session)
    client.get(f"/reset/{token}")
    client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.get(f"/reset/{token}")
    again = client.get("/reset")
    assert again.status_code == 400 and "already been used" in again.text
    assert 'href="/forgot"' in again.text
    refused = client.post("/reset", data={"password": "yet another passphrase", "confirm": "yet another passphrase"})
    assert refused.status_code == 400
    assert verify_password(_fresh(session).exec(select(User)).one().password_hash, NEW_PASSWORD)


@pytest.mark.parametrize("password, confirm, message", [
    ("short", "short", "at least 10"),
    ("password1234", "password1234", "most common"),
    ("a fine long passphrase", "another one entirely", "do not match"),
])
def test_a_refused_password_keeps_the_old_one_and_the_link(client, session, password, confirm, message):
    make_user(session, email="li.na@example.com")
    _ask(client, "li.na@example.com")
    client.get(f"/reset/{_token_from_mail(session)}")
    response = client.post("/reset", data={"password": password, "confirm": confirm})
    assert response.status_code == 200 and message in response.text
    assert verify_password(_fresh(session).exec(select(User)).one().password_hash, DEFAULT_PASSWORD)
    assert session.exec(select(AuditEntry)).all() == []
    assert client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_without_a_link_or_with_a_damaged_one_the_page_says_so(client):
    assert "not valid" in client.get("/reset").text
    client.get("/reset/abc.def.ghi")
    response = client.get("/reset")
    assert response.status_code == 400 and "not valid" in response.text


def test_a_link_expires_after_an_hour(session, monkeypatch):
    user = make_user(session)
    token = password_reset.links.make_token(password_reset.LINK, user, secret_key=SECRET)
    assert password_reset.check_token(session=session, token=token, secret_key=SECRET).id == user.id
    later = time.time() + 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(ServiceError, match="expired"):
        password_reset.check_token(session=session, token=token, secret_key=SECRET)


def test_reset_and_activation_links_are_not_interchangeable(session):
    user = make_user(session)
    reset = password_reset.links.make_token(password_reset.LINK, user, secret_key=SECRET)
    with pytest.raises(ServiceError, match="not valid"):
        activation.check_token(session=session, token=reset, secret_key=SECRET)
    with pytest.raises(ServiceError, match="not valid"):
        password_reset.check_token(session=session, token=activation.make_token(user, secret_key=SECRET),
                                   secret_key=SECRET)


def test_the_mail_is_in_the_users_language(client, session):
    make_user(session, email="wang@example.com", preferred_language="zh")
    _ask(client, "wang@example.com")
    (mail,) = _mails(session)
    assert "重置" in mail.subject and "60" in mail.body


def _browser(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_mails_per_account_stop_at_the_limit_and_the_page_does_not_tell(app, session):
    make_user(session, email="li.na@example.com")
    for email in ("li.na@example.com", "nobody@example.com"):
        pages = [_ask(app.test_client(), email) for _ in range(5)]
        assert {page.status_code for page in pages} == {200}
        assert len({_without_csrf(page.text) for page in pages}) == 1
    assert len(_mails(session)) == 3


def test_an_attackers_requests_never_refuse_the_owner_a_reset_elsewhere(app, session):
    # The input for resets: an attacker asks for the owner's link from A until refused;
    # the owner asks from B, six times, and is never refused.
    make_user(session, email="li.na@example.com")
    attacker = _browser(app, "203.0.113.5")
    for _ in range(10):
        assert _ask(attacker, "li.na@example.com").status_code == 200
    assert _ask(attacker, "li.na@example.com").status_code == 429
    for _ in range(6):
        answer = _ask(_browser(app, "198.51.100.7"), "li.na@example.com")
        assert answer.status_code == 200 and "If an account uses this address" in answer.text
    # The mailbox was not flooded, and it holds a live link, sent within the last hour.
    mails = _mails(session)
    assert len(mails) == 3
    assert password_reset.check_token(session=session, token=LINK.search(mails[-1].body).group(1),
                                      secret_key=SECRET).email == "li.na@example.com"


def test_a_browser_the_owner_signed_in_with_gets_a_mail_past_the_limit(app, session):
    make_user(session, email="li.na@example.com")
    owner = _browser(app, "198.51.100.7")
    owner.post("/login", data={"email": "li.na@example.com", "password": DEFAULT_PASSWORD})
    owner.post("/logout")
    for _ in range(5):
        _ask(_browser(app, "203.0.113.5"), "li.na@example.com")
    assert len(_mails(session)) == 3
    _ask(owner, "li.na@example.com")
    assert len(_mails(session)) == 4


def test_requests_are_throttled_per_address(client):
    for n in range(10):
        assert _ask(client, f"person{n}@example.com").status_code == 200
    assert _ask(client, "one.more@example.com").status_code == 429


def test_a_reset_replaces_the_calendar_link_and_shows_the_new_one_once(app, client, session):
    from empathy.volunteering.services import calendar

    user = make_user(session, email="li.na@example.com")
    with app.test_request_context():
        old = f"/calendar/{calendar.reset_feed_token(session=session, user=user)}.ics"
    _ask(client, "li.na@example.com")
    client.get(f"/reset/{_token_from_mail(session)}")
    response = client.post("/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 200 and "your calendar link changed too" in response.text
    assert 'href="/login"' in response.text and "every device is signed out" in response.text
    new = re.search(r'id="calendar-url" value="http://[^/"]+(/calendar/[^"]+\.ics)"', response.text).group(1)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200

