"""Every response carries the security headers; personal pages are not cached."""

from tests.factories import DEFAULT_PASSWORD, make_user


def test_headers_on_a_public_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://empathy.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_personal_pages_are_not_cached(client, auth, session):
    make_user(session, email="li@example.com")
    auth.login("li@example.com", DEFAULT_PASSWORD)
    assert client.get("/home").headers["Cache-Control"] == "no-store"


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_oversized_bodies_are_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413


def test_common_passwords_are_refused(client):
    response = client.post("/register", data={"display_name": "A", "email": "a@example.com",
                                              "password": "1234567890", "confirm": "1234567890"})
    assert "most common" in response.text
