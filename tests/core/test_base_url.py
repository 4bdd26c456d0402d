"""BASE_URL starts every link in e-mails: the app says so when it answers on another address."""

from __future__ import annotations

import pytest

from empathy.core.urls import base_url_differences


@pytest.mark.parametrize(("base_url", "reached", "differ"), [
    ("http://127.0.0.1:5000", "http://127.0.0.1:5000/", []),
    ("https://empathy.example.org", "https://EMPATHY.example.org:443/", []),
    ("http://127.0.0.1:5000", "http://127.0.0.1:5050/", ["port"]),
    ("http://127.0.0.1:5000", "http://localhost/", ["host", "port"]),
    ("https://empathy.example.org", "http://empathy.example.org/", ["scheme", "port"]),
])
def test_what_differs_between_base_url_and_the_address_reached(base_url, reached, differ):
    assert base_url_differences(base_url, reached) == differ


def test_the_first_request_on_another_port_logs_one_clear_warning(app, caplog):
    app.config["BASE_URL"] = "http://127.0.0.1:5000"
    client = app.test_client()
    with caplog.at_level("WARNING", logger=app.logger.name):
        client.get("/login", base_url="http://127.0.0.1:5050")
        client.get("/login", base_url="http://127.0.0.1:5050")
    warnings = [r.getMessage() for r in caplog.records if "BASE_URL" in r.getMessage()]
    assert len(warnings) == 1, warnings  # once per process, not once per request
    assert "BASE_URL is http://127.0.0.1:5000, but this app answers on http://127.0.0.1:5050 (port differ)" \
        in warnings[0] and "EMPATHY_BASE_URL" in warnings[0]


def test_no_warning_when_base_url_is_the_address(app, caplog):
    app.config["BASE_URL"] = "http://127.0.0.1:5050/"
    with caplog.at_level("WARNING", logger=app.logger.name):
        app.test_client().get("/login", base_url="http://127.0.0.1:5050")
    assert not [r for r in caplog.records if "BASE_URL" in r.getMessage()]
