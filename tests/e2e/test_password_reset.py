"""Journey: an employee who forgot their password gets a link by e-mail and sets a new one."""

from __future__ import annotations

import re
import sqlite3
import time
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.helpers import SCREENSHOTS, sign_in

EMPLOYEE = "oliver.bennett.2@empathy.example"
OLD_PASSWORD = "volunteer-with-empathy"
NEW_PASSWORD = "Quiet-Harbour-Lights-88"


def _reset_path(live_server) -> str:
    """The path of the newest reset link in the server's outbox (where a mail server would send it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with sqlite3.connect(live_server.directory / "e.sqlite") as db:
            row = db.execute("SELECT body FROM outbox_messages WHERE kind = 'password_reset' "
                             "ORDER BY id DESC LIMIT 1").fetchone()
        if row:
            return urlsplit(re.search(r"https?://\S+/reset/\S+", row[0]).group(0)).path
        time.sleep(0.2)
    raise AssertionError("no password-reset message reached the outbox")


def test_forgotten_password_is_reset_through_the_mailed_link(open_page, live_server):
    page = open_page("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(EMPLOYEE)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account uses this address")

    page.goto(_reset_path(live_server))
    expect(page).to_have_url(re.compile(r"/reset$"))  # the token left the address bar
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password").fill("short")
    page.get_by_label("Repeat password").fill("short")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Use at least 10 characters")).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat password").fill(NEW_PASSWORD)
    page.screenshot(path=str(SCREENSHOTS / "password-reset.png"))
    page.get_by_role("button", name="Set new password").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("every device is signed out")).to_be_visible()

    page.get_by_label("Email").fill(EMPLOYEE)
    page.get_by_label("Password").fill(OLD_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email or password is not correct.")).to_be_visible()
    sign_in(page, EMPLOYEE, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
