"""Journey: a coordinator moves a need; the volunteer is told, reminded for the new time, and their calendar
follows (issue #16: change notices, reminders per start, calendar SEQUENCE)."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request

import icalendar
from playwright.sync_api import expect

from tests.e2e.conftest import REPO, _env
from tests.e2e.helpers import COORDINATOR, ORG_ZONE, local_input, register, screenshot, sign_in, tomorrow_at
from tests.e2e.test_accessibility import RUN_AXE

TITLE = "Sorting winter coats for the Harbour shelter"


def _send_reminders(live_server) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "empathy", "send-reminders"], cwd=REPO,
                          env=_env(live_server.directory), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _event(text: str):
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    return event


def _feed(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # no cookie, no session: the link alone
        assert response.headers.get_content_type() == "text/calendar"
        return _event(response.read().decode("utf-8"))


def _no_serious_axe_violation(page, axe_source) -> None:
    page.evaluate(axe_source)
    blocking = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
    assert not blocking, f"axe-core on {page.url}: {blocking}"


def test_a_moved_need_tells_reminds_and_updates_the_calendar(open_page, live_server, axe_source):
    volunteer = open_page("/register")
    volunteer.set_default_timeout(30_000)  # two helpers' servers share two cores
    register(volunteer, "Tang Wei", "tang.wei@empathy.example")

    coordinator = open_page()
    coordinator.set_default_timeout(30_000)
    sign_in(coordinator, *COORDINATOR)
    first_start, new_start = tomorrow_at(9), tomorrow_at(14)  # both within the two days reminders look ahead
    coordinator.get_by_role("navigation", name="Main").get_by_role("link", name="New need").click()
    coordinator.get_by_label("Title").fill(TITLE)
    coordinator.get_by_label("Cause").select_option(label="Poverty alleviation")
    coordinator.get_by_label("Starts").fill(local_input(first_start))
    coordinator.get_by_label("Ends").fill(local_input(first_start.replace(hour=12)))
    coordinator.get_by_label("Remote: volunteers can help from anywhere").check()
    coordinator.get_by_label("Volunteers needed").fill("2")
    coordinator.get_by_role("button", name="Save").last.click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(TITLE)
    need_id = int(re.search(r"/needs/(\d+)", coordinator.url).group(1))
    coordinator.get_by_role("button", name="Publish").click()
    expect(coordinator.get_by_role("status")).to_contain_text("published")

    # The volunteer signs up (confirmed at once) and subscribes to their calendar.
    volunteer.goto(f"/needs/{need_id}")
    volunteer.get_by_role("link", name="Volunteer").click()
    volunteer.get_by_role("button", name="Volunteer").click()
    expect(volunteer.get_by_role("status")).to_contain_text("You are confirmed")
    volunteer.get_by_role("button", name="Get a calendar link").click()
    feed_url = volunteer.get_by_label("Calendar link").input_value()
    assert feed_url.startswith(live_server.url + "/calendar/")
    screenshot(volunteer, "calendar-link")
    _no_serious_axe_violation(volunteer, axe_source)
    before = _feed(feed_url)
    assert before.decoded("DTSTART") == first_start
    assert "1 reminder sent." in _send_reminders(live_server)

    # The coordinator moves the need; the page says who was told, and the need's page keeps it.
    coordinator.goto(f"/needs/{need_id}/edit")
    coordinator.get_by_label("Starts").fill(local_input(new_start))
    coordinator.get_by_label("Ends").fill(local_input(new_start.replace(hour=17)))
    coordinator.get_by_role("button", name="Save").last.click()
    expect(coordinator.get_by_role("status")).to_contain_text("People told (1): Tang Wei.")
    told = coordinator.get_by_role("region", name="Who was told")
    expect(told.get_by_role("row").filter(has_text="Tang Wei")).to_contain_text("New time or place")
    screenshot(coordinator, "need-who-was-told", at=told)
    _no_serious_axe_violation(coordinator, axe_source)

    # The volunteer sees the notice in the app, with the old and the new time.
    volunteer.goto("/notifications")
    notice = volunteer.get_by_role("listitem").filter(has_text=f"“{TITLE}” has changed")
    # One date style, no seconds (core.dates): "2 Dec 2026, 09:00–12:00".
    expect(notice).to_contain_text(f"{first_start.day} {first_start:%b %Y}, 09:00")
    expect(notice).to_contain_text(f"{new_start.day} {new_start:%b %Y}, 14:00")
    expect(notice).not_to_contain_text(":00:00")
    screenshot(volunteer, "notice-need-moved", at=notice)

    # The reminder for the new start goes out, once.
    assert "1 reminder sent." in _send_reminders(live_server)
    assert "0 reminders sent." in _send_reminders(live_server)
    volunteer.reload()
    expect(volunteer.get_by_role("listitem").filter(has_text=f"Reminder: “{TITLE}” starts").first).to_contain_text(
        f"{new_start.day} {new_start:%b %Y}, 14:00")

    # The calendar keeps the entry, with the new time and a higher SEQUENCE: in the feed and the download.
    after = _feed(feed_url)
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART").astimezone(ORG_ZONE) == new_start
    download = volunteer.request.get("/commitments.ics")
    assert download.ok
    downloaded = _event(download.text())
    assert (downloaded["UID"], int(downloaded["SEQUENCE"])) == (after["UID"], int(after["SEQUENCE"]))

    # Resetting the link ends the old one.
    volunteer.goto("/commitments")
    # A confirmation step first (the old link stops working): open it, then confirm.
    volunteer.locator("summary", has_text="Reset the calendar link…").click()
    volunteer.get_by_role("button", name="Yes, make a new link").click()
    expect(volunteer.get_by_label("Calendar link")).not_to_have_value(feed_url)
    try:
        urllib.request.urlopen(feed_url, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
    else:
        raise AssertionError("the old calendar link still works")
