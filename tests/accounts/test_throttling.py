"""Failed sign-ins and registrations are throttled; successful sign-ins are not."""

from tests.factories import DEFAULT_PASSWORD, make_user


def _fail(client, email):
    return client.post("/login", data={"email": email, "password": "wrong password!!"})


def test_failed_logins_are_throttled_per_account(app, client, session):
    make_user(session, email="li@example.com")
    for _ in range(5):
        assert _fail(client, "li@example.com").status_code == 200
    blocked = _fail(client, "li@example.com")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.text
    # The right password is refused too while the account is throttled.
    assert client.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD}).status_code == 429


def test_failed_logins_are_throttled_per_address(app, client, session):
    for n in range(10):
        assert _fail(client, f"user{n}@example.com").status_code == 200
    assert _fail(client, "another@example.com").status_code == 429


def test_successful_logins_are_not_counted(app, session):
    make_user(session, email="li@example.com")
    for _ in range(12):
        c = app.test_client()
        assert c.post("/login", data={"email": "li@example.com", "password": DEFAULT_PASSWORD}).status_code == 302


def test_registrations_are_throttled_per_address(app, client):
    for n in range(10):
        client.post("/register", data={"display_name": "x", "email": f"bad{n}", "password": "x", "confirm": "y"})
    response = client.post("/register",
                           data={"display_name": "x", "email": "z@example.com", "password": "x", "confirm": "y"})
    assert response.status_code == 429
