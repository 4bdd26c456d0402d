"""Registration, sign-in, sign-out and password changes as a browser sees them."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from empathy.accounts.services import auth as auth_service
from empathy.models import User, UserSession
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD, make_user

GENERIC = "The email or password is not correct."


def test_login_form_has_the_named_labelled_fields(client):
    page = client.get("/login").text
    for name in ("email", "password", "remember", "csrf_token"):
        assert f'name="{name}"' in page
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page


def test_register_signs_in_and_home_shows_the_name(client, session):
    response = client.post(
        "/register",
        data={"display_name": "Wang Fang", "email": "Wang.Fang@Example.com",
              "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/welcome/1"  # the guided profile, skills first
    assert "Wang Fang" in client.get("/home").text
    user = session.exec(select(User).where(User.email == "wang.fang@example.com")).one()
    assert user.role == "employee"
    assert user.password_hash.startswith("scrypt:")


def test_register_keeps_input_and_explains_errors(client, session):
    make_user(session, email="taken@example.com")
    response = client.post(
        "/register",
        data={"display_name": "Someone", "email": "taken@example.com", "password": "short", "confirm": "short"},
    )
    assert response.status_code == 200
    assert "at least 10" in response.text
    assert 'value="Someone"' in response.text
    response = client.post(
        "/register",
        data={"display_name": "Someone", "email": "TAKEN@example.com", "password": DEFAULT_PASSWORD,
              "confirm": DEFAULT_PASSWORD},
    )
    assert "already exists" in response.text
    assert len(session.exec(select(User)).all()) == 1


def test_login_redirects_home_and_shows_the_name(client, auth, session):
    make_user(session, email="li@example.com", display_name="Li Na")
    response = auth.login("LI@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    assert "Li Na" in client.get("/home").text


@pytest.mark.parametrize("target,expected", [
    ("/account/password", "/account/password"),
    ("https://evil.example/", "/home"),
    ("//evil.example/", "/home"),
    ("/\\evil.example", "/home"),
])
def test_login_follows_only_safe_next(auth, session, target, expected):
    make_user(session, email="li@example.com")
    response = auth.login("li@example.com", DEFAULT_PASSWORD, next=target)
    assert response.headers["Location"] == expected


def test_failed_logins_share_one_message(auth, session):
    make_user(session, email="li@example.com")
    wrong_password = auth.login("li@example.com", "not the password!").text
    unknown_email = auth.login("nobody@example.com", "not the password!").text
    assert GENERIC in wrong_password and GENERIC in unknown_email
    def scrub(page, email):
        return re.sub(r'name="csrf_token"[^>]*>', "", page).replace(email, "")

    assert scrub(wrong_password, "li@example.com") == scrub(unknown_email, "nobody@example.com")


def test_inactive_users_cannot_sign_in(auth, session):
    make_user(session, email="gone@example.com", active=False)
    assert GENERIC in auth.login("gone@example.com", DEFAULT_PASSWORD).text


def test_home_requires_sign_in(client):
    response = client.get("/home")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_cookie_saved_before_logout_no_longer_works(app, client, auth, session):
    make_user(session, email="li@example.com")
    auth.login("li@example.com", DEFAULT_PASSWORD)
    saved = client.get_cookie("session")
    assert client.get("/home").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", saved.value)
    assert thief.get("/home").status_code == 302


def test_logout_ends_only_this_session(app, session):
    make_user(session, email="li@example.com")
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        c.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD})
    phone.post("/logout")
    assert phone.get("/home").status_code == 302
    assert laptop.get("/home").status_code == 200


def test_logout_needs_post(client, auth, session):
    make_user(session, email="li@example.com")
    auth.login("li@example.com", DEFAULT_PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.get("/home").status_code == 200


def test_password_change_ends_every_other_session(app, session):
    make_user(session, email="li@example.com")
    mine, other = app.test_client(), app.test_client()
    for c in (mine, other):
        c.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD})
    response = mine.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert mine.get("/home").status_code == 200  # signed in again on a new session
    assert other.get("/home").status_code == 302
    fresh = app.test_client().post("/login", data={"email": "li@example.com", "password": "a brand new passphrase"})
    assert fresh.status_code == 302


def test_password_change_asks_for_the_current_one(client, auth, session):
    user = make_user(session, email="li@example.com")
    auth.login("li@example.com", DEFAULT_PASSWORD)
    response = client.post("/account/password", data={
        "current_password": "wrong password here", "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert "not correct" in response.text
    session.refresh(user)
    from empathy.accounts.services.passwords import verify_password
    assert verify_password(user.password_hash, DEFAULT_PASSWORD)


def test_deactivation_ends_all_sessions(app, client, auth, session):
    user = make_user(session, email="li@example.com")
    auth.login("li@example.com", DEFAULT_PASSWORD)
    with app.app_context():
        auth_service.set_active(session=session, user=user, active=False)
    assert client.get("/home").status_code == 302
    assert all(s.revoked_at is not None for s in session.exec(select(UserSession)).all())


def test_idle_sessions_expire(app, client, auth, session):
    make_user(session, email="li@example.com")
    auth.login("li@example.com", DEFAULT_PASSWORD)
    row = session.exec(select(UserSession)).one()
    row.last_seen_at = row.last_seen_at - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)
    session.add(row)
    session.commit()
    assert client.get("/home").status_code == 302


def test_forms_require_a_csrf_token(app, session):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(session, email="li@example.com")
    c = app.test_client()
    response = c.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    token = csrf_token_from(c.get("/login").text)
    response = c.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert c.post("/logout").status_code == 400  # logout needs its token too
    assert c.get("/home").status_code == 200


FEED_LINK = re.compile(r'id="calendar-url" value="http://[^/"]+(/calendar/[^"]+\.ics)"')


def _feed_link(session, user, app) -> str:
    from empathy.volunteering.services import calendar

    with app.test_request_context():
        return f"/calendar/{calendar.reset_feed_token(session=session, user=user)}.ics"


def test_password_change_replaces_the_calendar_link_and_shows_the_new_one(app, client, auth, session):
    user = make_user(session, email="li@example.com")
    old = _feed_link(session, user, app)
    assert client.get(old).status_code == 200
    auth.login("li@example.com", DEFAULT_PASSWORD)
    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 200 and "your calendar link changed too" in response.text
    assert "Your password is changed" in response.text
    new = FEED_LINK.search(response.text).group(1)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert "You have a calendar link" in client.get("/commitments").text


def test_password_change_without_a_calendar_link_makes_none(app, client, auth, session):
    from empathy.models import CalendarFeed

    make_user(session, email="li@example.com")
    auth.login("li@example.com", DEFAULT_PASSWORD)
    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert session.exec(select(CalendarFeed)).all() == []


def test_deactivation_ends_the_calendar_link_for_good(app, session):
    user = make_user(session, email="li@example.com")
    link = _feed_link(session, user, app)
    with app.app_context():
        auth_service.set_active(session=session, user=user, active=False)
        auth_service.set_active(session=session, user=user, active=True)
    assert app.test_client().get(link).status_code == 404
