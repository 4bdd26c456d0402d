"""Journey: an employee turns on two-factor sign-in with an authenticator app, then signs in with a code."""

from __future__ import annotations

import json
import re
import time

import pyotp
from playwright.sync_api import expect

from tests.e2e.helpers import SCREENSHOTS, sign_in, sign_out
from tests.e2e.test_accessibility import RUN_AXE

EMPLOYEE = ("oliver.bennett.2@empathy.example", "volunteer-with-empathy")


def _no_serious_violation(page, axe_source):
    page.evaluate(axe_source)
    serious = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=2, ensure_ascii=False)


def test_two_factor_is_set_up_and_then_asked_for_at_sign_in(open_page, axe_source):
    page = open_page("/login")
    sign_in(page, *EMPLOYEE)
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()

    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    _no_serious_violation(page, axe_source)
    totp = pyotp.TOTP(page.locator("code.secret").inner_text().strip())
    page.screenshot(path=str(SCREENSHOTS / "two-factor-setup.png"))
    page.get_by_role("textbox", name="Code").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    assert len(page.locator(".recovery-codes code").all_inner_texts()) == 10
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_text("10 of 10 recovery codes left")).to_be_visible()

    sign_out(page)
    page.get_by_label("Email").fill(EMPLOYEE[0])
    page.get_by_label("Password").fill(EMPLOYEE[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    _no_serious_violation(page, axe_source)
    # Setup used this step's code: the next one.
    page.get_by_role("textbox", name="Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/home$"))
