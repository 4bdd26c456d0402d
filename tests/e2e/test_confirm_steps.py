"""A confirmation step before what cannot be undone: opened and confirmed with the keyboard alone, and
axe-core finds nothing serious on the page with the step open."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.e2e.helpers import ADMIN, sign_in
from tests.e2e.test_accessibility import RUN_AXE
from tests.e2e.test_keyboard import ACTIVE_NAME


def test_revoking_a_token_takes_a_second_keyboard_step(open_page, axe_source):
    page = open_page("/login")
    sign_in(page, *ADMIN)
    page.goto("/account/tokens")
    page.get_by_label("Name").fill("Nightly HR sync")
    page.get_by_role("button", name="Create token").click()
    page.goto("/account/tokens")
    row = page.get_by_role("row").filter(has_text="Nightly HR sync")
    step = row.locator("details.confirm-step")
    confirm = row.get_by_role("button", name="Yes, revoke")
    expect(confirm).to_be_hidden()  # nothing is revoked by the first button

    row.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(step).to_have_attribute("open", "")
    expect(row.get_by_text("This cannot be undone.")).to_be_visible()

    page.evaluate(axe_source)
    blocking = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
    assert not blocking, json.dumps(blocking, indent=2)

    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_NAME).startswith("Yes, revoke")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("row").filter(has_text="Nightly HR sync")).to_have_count(0)
