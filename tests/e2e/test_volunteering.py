"""Journeys 1 and 2: a new employee is suggested needs; a coordinator's need goes from post to report."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.helpers import (
    COORDINATOR,
    fill_profile,
    local_input,
    local_now,
    register,
    screenshot,
    sign_in,
    tomorrow_at,
)

SOLAR_SKILLS = [("光伏安装", "4 – Expert"), ("Electrical safety inspection", "3 – Advanced")]
SOLAR_BIO = "Photovoltaic engineer: I install rooftop solar panels and check the wiring is safe."


def test_new_employee_sees_needs_suggested_with_reasons(open_page):
    page = open_page("/register")
    register(page, "Lin Yue", "lin.yue@empathy.example")
    fill_profile(page, skills=SOLAR_SKILLS, bio=SOLAR_BIO, department="Solar Field Services",
                 causes=("Poverty alleviation",))

    # The Chinese label was recognised as the taxonomy skill, shown in English in the English UI.
    expect(page.get_by_label("Skill", exact=True).nth(0)).to_have_value("Solar PV installation")
    expect(page.get_by_label("Skill", exact=True).nth(1)).to_have_value("Electrical safety inspection")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    suggested = page.get_by_role("list", name="Suggested for you")
    expect(suggested).to_be_visible()
    cards = suggested.get_by_role("listitem").filter(has=page.get_by_role("heading", level=3))
    expect(cards.first).to_be_visible()
    # A solar need is suggested because of the skill written in Chinese, the reason shown beside it.
    solar = cards.filter(has_text="Matched skills").filter(has_text="Solar PV installation (expert)")
    expect(solar.first).to_be_visible()
    expect(solar.first.get_by_text("Matched skills")).to_be_visible()
    # And one because of the skill written in English: a card, or a row among the weak fits folded below them.
    more = page.locator("details.more-suggestions")
    if more.count():
        more.locator("summary").click()
    expect(page.locator("ol.suggestions > li, .compact-suggestions > li")
           .filter(has_text="Electrical safety inspection (advanced)").first).to_be_visible()
    screenshot(page, "home-new-employee")


def test_coordinator_need_from_post_to_impact_report(open_page):
    employee = open_page("/register")
    register(employee, "Zhou Ming", "zhou.ming@empathy.example")
    fill_profile(employee, skills=SOLAR_SKILLS, bio=SOLAR_BIO, department="Rooftop Solar Crew")

    coordinator = open_page()
    sign_in(coordinator, *COORDINATOR)
    need_id = _post_need(coordinator)
    screenshot(coordinator, "need-detail")

    # The employee is among the suggestions, with the skills that matched.
    coordinator.goto(f"/needs/{need_id}/suggestions")
    expect(coordinator.get_by_role("heading", name="Suggested people")).to_be_visible()
    card = coordinator.get_by_role("listitem").filter(has=coordinator.get_by_label("Zhou Ming"))
    expect(card).to_contain_text("Matched skills")
    expect(card).to_contain_text("Solar PV installation (expert)")
    expect(coordinator.get_by_text("3 of 3 seats left")).to_be_visible()
    ranked = coordinator.get_by_role("main").get_by_role("list").first
    ranked.get_by_text("How the score is made").first.click()  # the score's parts, for the screenshot
    expect(ranked.get_by_role("table").first).to_be_visible()
    screenshot(coordinator, "suggestions-new-employee", at=ranked)
    card.get_by_role("checkbox", name="Zhou Ming").check()
    coordinator.get_by_text("Add a message").click()
    coordinator.get_by_label("Message to the people you invite (optional)").fill(
        "Your PV experience would help the clinic a lot.")
    coordinator.get_by_role("button", name="Invite selected").click()
    expect(coordinator.get_by_role("status")).to_be_visible()

    # The employee accepts the invitation; a seat is taken.
    employee.get_by_role("link", name="My commitments").click()
    invitation = employee.get_by_role("list", name="Invitations").get_by_role("listitem").filter(has_text=NEED_TITLE)
    expect(invitation).to_contain_text("Your PV experience would help the clinic a lot.")
    invitation.get_by_role("button", name="Accept").click()
    expect(employee.get_by_text("No invitation waits for your answer.")).to_be_visible()
    # Confirmed; hours can be logged only once the need has started, until then the seat can be given back.
    # Withdrawing is behind a confirmation step: its first button only opens it.
    confirmed = employee.locator("li").filter(has_text=NEED_TITLE).filter(
        has=employee.locator("summary", has_text="Withdraw…"))
    expect(confirmed).to_be_visible()
    expect(confirmed.get_by_role("link", name="Log hours")).to_have_count(0)
    employee.goto(f"/needs/{need_id}")
    expect(employee.get_by_text("2 of 3", exact=True)).to_be_visible()

    # The day comes. A test cannot wait for tomorrow, and the app refuses to seat anyone on a need
    # that has started, so the coordinator moves the start to an hour ago through the edit form
    # (which accepts a past start, as when a session was brought forward).
    coordinator.goto(f"/needs/{need_id}/edit")
    started = (local_now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    coordinator.get_by_label("Starts").fill(local_input(started))
    # Today may hold less than the 6.5 hours logged below (late in the evening): the coordinator allows more.
    coordinator.get_by_label("Volunteers may log more hours for a day than the need runs that day").check()
    coordinator.get_by_role("button", name="Save").last.click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(NEED_TITLE)

    employee.goto("/commitments")
    employee.locator("li").filter(has_text=NEED_TITLE).get_by_role("link", name="Log hours").click()
    employee.get_by_label("Hours").fill("6.5")
    employee.get_by_label("Day").fill(local_now().date().isoformat())
    employee.get_by_label("Note (optional)").fill("Mounted 12 panels and checked the inverter wiring.")
    employee.get_by_role("button", name="Log hours").click()
    expect(employee.get_by_role("status")).to_contain_text("wait for the coordinator's approval")
    expect(employee.get_by_text("Approved hours: 0 h · awaiting approval: 6.5 h")).to_be_visible()

    # The coordinator approves the hours on the people board.
    coordinator.goto(f"/needs/{need_id}/people")
    row = coordinator.get_by_role("row").filter(has_text="Zhou Ming")
    expect(row).to_contain_text("6.5")
    row.get_by_role("button", name="Approve").click()
    expect(coordinator.get_by_role("row").filter(has_text="Zhou Ming")).to_contain_text("Approved")

    # The impact report counts them, under the employee's department.
    coordinator.get_by_role("link", name="Reports").click()
    by_department = coordinator.get_by_role("table", name=re.compile("by department", re.I))
    expect(by_department.get_by_role("row", name=re.compile(r"^Rooftop Solar Crew 6\.5"))).to_be_visible()
    screenshot(coordinator, "reports")

    employee.goto("/commitments")
    expect(employee.get_by_text("Approved hours: 6.5 h · awaiting approval: 0 h")).to_be_visible()


NEED_TITLE = "Rooftop solar panels for the Sunshine village clinic"


def _post_need(page) -> int:
    """Create a need through the form, publish it, and return its id."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New need").click()
    page.get_by_label("Title").fill(NEED_TITLE)
    page.get_by_label("Description").fill(
        "Install a 5 kW rooftop photovoltaic system on the village clinic and check its wiring, "
        "so the clinic keeps its vaccine fridge running through power cuts.")
    page.get_by_label("Cause").select_option(label="Poverty alleviation")
    page.get_by_label("Beneficiary organisation").fill("Sunshine village clinic")
    page.get_by_label("Starts").fill(local_input(tomorrow_at(9)))
    page.get_by_label("Ends").fill(local_input(tomorrow_at(17)))
    page.get_by_label("Site").select_option(label="Yanchi County PV base (Ningxia)")
    page.get_by_label("Volunteers needed").fill("3")
    page.get_by_label("Hours per volunteer").fill("8")
    page.get_by_label("Skill", exact=True).nth(0).fill("Solar PV installation")
    page.get_by_label("Importance").nth(0).select_option(label="Must-have")
    page.get_by_label("Skill", exact=True).nth(1).fill("电气安全检查")  # the Chinese label of a taxonomy skill
    page.get_by_label("Importance").nth(1).select_option(label="Nice-to-have")
    page.get_by_role("button", name="Save").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEED_TITLE)
    skills = page.get_by_role("main").get_by_role("listitem").filter(has=page.get_by_role("strong"))
    expect(skills.filter(has_text="Solar PV installation")).to_contain_text("Must-have")
    expect(skills.filter(has_text="Electrical safety inspection")).to_contain_text("Nice-to-have")
    need_id = int(re.search(r"/needs/(\d+)", page.url).group(1))
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Open", exact=True).first).to_be_visible()
    return need_id
