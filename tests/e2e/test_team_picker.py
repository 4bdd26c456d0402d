"""The team builder in a browser: the proposed team covers the demo's wiring need, the picker filters as one types,
and a person found through it joins the team and is invited."""

from __future__ import annotations

import json
import re
import sqlite3

from playwright.sync_api import expect

from tests.e2e.helpers import COORDINATOR, screenshot, sign_in
from tests.e2e.test_accessibility import RUN_AXE

WIRING_NEED = "Install fall-detection sensors and smoke alarms in seniors' homes"


def _need_id(live_server, title: str) -> int:
    with sqlite3.connect(live_server.directory / "e.sqlite") as db:
        return db.execute("SELECT id FROM needs WHERE title = ?", (title,)).fetchone()[0]


def test_coordinator_filters_the_picker_and_adds_a_person_to_the_team(open_page, live_server):
    need_id = _need_id(live_server, WIRING_NEED)
    page = open_page()
    sign_in(page, *COORDINATOR)
    page.goto(f"/needs/{need_id}/team")

    coverage = page.get_by_role("region", name="Coverage of the must-have skills")
    wiring = coverage.get_by_role("listitem").filter(has_text="Electrical wiring").first
    expect(wiring).to_be_visible()
    expect(wiring).not_to_contain_text("not covered")

    picker = page.get_by_role("form", name="Choose the team")
    rows = picker.locator("li.team-candidate")
    total = rows.count()
    assert total > 20
    expect(picker.get_by_text(f"{total} of {total} people shown")).to_be_visible()
    # Each person is headed by the calibrated band, not a raw percent; the legend says what bands mean.
    expect(rows.first.locator(".band")).to_have_text(re.compile(r"^(Strong|Good|Partial|Weak) fit$"))
    expect(picker).not_to_contain_text("fit %")
    expect(picker.locator("p.legend")).to_contain_text("Strong fit: about 60 in 100")
    url = page.url

    # Someone who could join but was not proposed (the seats went to others, or only a weak fit, which is not
    # proposed for a free seat), found by typing part of their name.
    name = rows.filter(has_text=re.compile("could join|only a weak fit")).first.locator("strong").inner_text()
    picker.get_by_label("Find a person or a skill").fill(name)
    visible = picker.locator("li.team-candidate:visible")
    expect(picker.get_by_text(re.compile(rf"^\d+ of {total} people shown$"))).not_to_have_text(
        f"{total} of {total} people shown")
    assert page.url == url  # filtered in place, nothing sent
    shown = visible.count()
    assert 0 < shown < total
    for i in range(shown):  # each row left matches what was typed, or is already in the team
        row = visible.nth(i)
        assert name in row.inner_text() or row.locator("input:checked").count() == 1

    newcomer = visible.filter(has_not=page.locator("input:checked")).first
    newcomer.get_by_role("checkbox").check()
    # When every seat is proposed, make room by unticking a proposed member who does not cover the wiring (seats
    # that only weak fits could take are left open, and then there is room already).
    spare = visible.filter(has=page.locator("input:checked")).filter(has_not_text="wiring").filter(has_not_text=name)
    if spare.count():
        spare.last.get_by_role("checkbox").uncheck()
    screenshot(page, "team-picker", at=picker)
    picker.get_by_role("button", name="Check the coverage").click()

    team = page.get_by_role("region", name="Coverage of the must-have skills")
    expect(team.get_by_role("listitem").filter(has_text=name).first).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile(re.escape(name)))).to_be_checked()

    page.get_by_role("button", name="Invite the whole team").click()
    page.wait_for_url(f"**/needs/{need_id}/people")
    expect(page.get_by_text(name).first).to_be_visible()


def test_the_team_page_has_no_serious_accessibility_violation(open_page, live_server, axe_source):
    page = open_page()
    sign_in(page, *COORDINATOR)
    page.goto(f"/needs/{_need_id(live_server, WIRING_NEED)}/team")
    page.evaluate(axe_source)  # evaluated, not a <script>: the Content-Security-Policy forbids inline scripts
    blocking = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
    assert not blocking, json.dumps(blocking, indent=2, ensure_ascii=False)
