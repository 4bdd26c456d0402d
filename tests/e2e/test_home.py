"""The home pages by role in a browser: a new employee's guided profile leads to their suggestions; the demo
coordinator bulk-approves hours from their to-do; the administrator sees what waits for them."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from empathy.demo import EMPLOYEE_PASSWORD
from empathy.volunteering.services.home import SHOWN
from tests.e2e.helpers import ADMIN, COORDINATOR, DESKTOP, PHONE, register, screenshot, sign_in


def test_new_employee_walks_the_guided_profile_to_their_suggestions(open_page):
    page = open_page("/register")
    register(page, "Gao Lan", "gao.lan@empathy.example")  # lands on step 1: skills
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
    page.get_by_label("Skill", exact=True).nth(0).fill("光伏安装")
    page.get_by_label("Level", exact=True).nth(0).select_option(label="4 – Expert")
    page.get_by_label("Skill", exact=True).nth(1).fill("Electrical safety inspection")
    page.get_by_label("Level", exact=True).nth(1).select_option(label="3 – Advanced")
    screenshot(page, "welcome-skills")
    page.get_by_role("button", name="Save and continue").last.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("When are you free, and what do you care about?")
    page.get_by_label("Hours per month you can give").fill("12")
    page.get_by_label("Weekends").check()
    page.get_by_role("checkbox", name="Poverty alleviation", exact=True).check()
    page.get_by_role("button", name="Save and continue").last.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile is ready")
    page.get_by_role("link", name="See your suggestions").click()
    suggested = page.get_by_role("list", name="Suggested for you")
    expect(suggested.get_by_text("Solar PV installation (expert)").first).to_be_visible()
    expect(page.get_by_text("Tell us your skills first")).to_have_count(0)


def test_employee_who_skips_is_invited_to_describe_their_skills(open_page):
    page = open_page("/register")
    register(page, "Qin Hao", "qin.hao@empathy.example")
    page.get_by_role("link", name="Finish later").click()
    expect(page.get_by_text("Tell us your skills first, and we will suggest needs that fit you.")).to_be_visible()
    expect(page.get_by_role("list", name="Suggested for you")).to_have_count(0)
    page.get_by_role("link", name="Describe your skills").click()
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()


def _pending_copies(db: sqlite3.Connection, *, hours: float, note: str, count: int) -> int:
    """Pending copies of the first `count` approved hours records on the demo coordinator's needs, with these
    hours and note; returns the coordinator's id."""
    coordinator = db.execute("SELECT id FROM users WHERE email = ?", (COORDINATOR[0],)).fetchone()[0]
    db.execute(
        "INSERT INTO hours_records (need_id, match_id, user_id, hours, worked_on, note, department, status, "
        "created_at, updated_at) SELECT h.need_id, h.match_id, h.user_id, ?, h.worked_on, ?, "
        "h.department, 'pending', h.created_at, h.updated_at FROM hours_records h JOIN needs n ON n.id = h.need_id "
        "WHERE n.owner_id = ? AND h.status = 'approved' ORDER BY h.id LIMIT ?", (hours, note, coordinator, count))
    return coordinator


@pytest.mark.parametrize(("viewport", "name"),
                         [(DESKTOP, "home-weak-suggestions"), (PHONE, "home-weak-suggestions-phone")])
def test_an_employee_s_weak_suggestions_wait_folded_below_the_ones_that_stand_out(open_page, viewport, name):
    page = open_page(viewport=viewport)
    sign_in(page, "haolin.xie.6@empathy.example", EMPLOYEE_PASSWORD)  # the README's demo PV engineer
    page.get_by_role("button", name="中文").click()  # their language (the other case may have left English)
    expect(page.locator("details.more-suggestions > summary")).to_have_text(
        re.compile(r"^另有 \d+ 个需求需要您的某项技能（契合度低）$"))
    screenshot(page, name + "-zh", at=page.get_by_role("heading", name="为您推荐"))
    page.get_by_role("button", name="English").click()
    cards = page.get_by_role("list", name="Suggested for you")
    expect(cards.locator(".band").first).to_be_visible()
    expect(cards.locator(".band", has_text="Weak fit")).to_have_count(0)
    more = page.locator("details.more-suggestions")
    summary = more.locator("summary")
    expect(summary).to_have_text(
        re.compile(r"^\d+ more needs? that asks? for one of your skills \((a weak fit|weak fits)\)$"))
    rows = more.locator(".compact-suggestions > li")
    expect(rows.first).to_be_hidden()
    summary.click()
    expect(rows.first).to_be_visible()
    for i in range(rows.count()):
        expect(rows.nth(i).locator(".band")).to_have_text("Weak fit")
        expect(rows.nth(i).get_by_role("link")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, name, at=page.get_by_role("heading", name="Suggested for you"))


def _pending_work(live_server) -> tuple[list[int], int]:
    """Three more pending hours records (copies of approved ones) on the demo coordinator's needs, and one more
    person waiting for approval on an open need of theirs (the demo has some of both already); the ids of the
    pending hours records on their needs, and how many people wait for approval on their open needs."""
    with sqlite3.connect(live_server.directory / "e.sqlite") as db:
        coordinator = _pending_copies(db, hours=2, note="Preparation", count=3)
        need = db.execute("SELECT id, created_at FROM needs WHERE owner_id = ? AND status = 'open' "
                          "AND seats_taken < seats ORDER BY starts_at LIMIT 1", (coordinator,)).fetchone()
        person = db.execute("SELECT id FROM users WHERE role = 'employee' AND id NOT IN "
                            "(SELECT user_id FROM matches WHERE need_id = ?) ORDER BY id LIMIT 1",
                            (need[0],)).fetchone()
        db.execute("INSERT INTO matches (need_id, user_id, status, message, reason, sequence, created_at, updated_at) "
                   "VALUES (?, ?, 'volunteered', 'I would love to help.', '', 0, ?, ?)",
                   (need[0], person[0], need[1], need[1]))
        pending = [r[0] for r in db.execute(
            "SELECT h.id FROM hours_records h JOIN needs n ON n.id = h.need_id WHERE n.owner_id = ? "
            "AND h.status = 'pending' ORDER BY h.id", (coordinator,))]
        waiting = db.execute("SELECT COUNT(*) FROM matches m JOIN needs n ON n.id = m.need_id WHERE n.owner_id = ? "
                             "AND n.status = 'open' AND m.status = 'volunteered'", (coordinator,)).fetchone()[0]
        return pending, waiting


def test_coordinator_bulk_approves_hours_from_the_home_page(open_page, live_server):
    pending, waiting = _pending_work(live_server)
    assert len(pending) >= 3 and waiting >= 1
    page = open_page()
    sign_in(page, *COORDINATOR)
    todo = page.get_by_role("region", name="Your to-do")
    expect(todo.get_by_role("heading", name="Volunteers waiting for approval")).to_contain_text(str(waiting))
    hours = page.locator(".bulk-hours")
    boxes = hours.locator('input[name="record_ids"]')  # the rows' boxes, not the heading's "select all"
    expect(boxes).to_have_count(min(len(pending), SHOWN))  # the first SHOWN; the heading counts them all
    screenshot(page, "home-coordinator")
    select_all = hours.get_by_role("checkbox", name="Select all the hours listed")  # shown by js/select-all.js
    select_all.check()
    for i in range(boxes.count()):
        expect(boxes.nth(i)).to_be_checked()
    select_all.uncheck()
    for i in range(boxes.count()):
        expect(boxes.nth(i)).not_to_be_checked()
    boxes.nth(0).check()
    boxes.nth(1).check()
    hours.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("status").first).to_contain_text("Approved 2 hours records (")
    expect(page.locator('.bulk-hours input[name="record_ids"]')).to_have_count(min(len(pending) - 2, SHOWN))
    with sqlite3.connect(live_server.directory / "e.sqlite") as db:
        statuses = [r[0] for r in db.execute(
            f"SELECT status FROM hours_records WHERE id IN ({','.join('?' * len(pending))}) ORDER BY id", pending)]
    assert sorted(statuses) == ["approved"] * 2 + ["pending"] * (len(pending) - 2)


def test_admin_home_shows_skills_mail_and_imports(open_page):
    page = open_page()
    sign_in(page, *ADMIN)
    region = page.get_by_role("region", name="Waiting for an administrator")
    expect(region.get_by_role("heading", name="Skills to review")).to_be_visible()
    expect(region.get_by_role("heading", name="Failed e-mails")).to_be_visible()
    expect(region.get_by_role("heading", name="Latest imports")).to_be_visible()
    screenshot(page, "home-admin")


def test_on_a_phone_a_long_hours_note_keeps_its_row_short_and_opens_by_keyboard(open_page, live_server):
    """A note of 1000 characters in the review list: two lines and "Show all" (the row was a screen high at
    390 px); Enter on it shows the whole note, without any script."""
    note = "Sorted the books by reading level and read aloud with the children. " * 14 + "THE END"
    with sqlite3.connect(live_server.directory / "e.sqlite") as db:
        _pending_copies(db, hours=1.5, note=note[:1000], count=1)
    page = open_page(viewport=PHONE, java_script_enabled=False)
    sign_in(page, *COORDINATOR)
    page.goto("/review")
    row = page.locator(".bulk-hours tbody tr").filter(has_text="Sorted the books")
    summary = row.locator("summary")
    expect(summary).to_contain_text("Show all")
    assert row.bounding_box()["height"] < 300  # person, need, day, hours and two lines of note
    expect(row.get_by_text("THE END")).to_be_hidden()
    screenshot(page, "review-long-note-phone", at=row)
    summary.focus()
    page.keyboard.press("Enter")
    expect(row.get_by_text("THE END")).to_be_visible()
    expect(summary).to_contain_text("Show less")
    screenshot(page, "review-long-note-phone-open", at=row)
