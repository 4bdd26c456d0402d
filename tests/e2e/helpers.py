"""What the journeys share: demo accounts, signing in, registering, and screenshots for the docs."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

# Test runs save their screenshots in build/screenshots (git-ignored); `make screenshots` points
# EMPATHY_SCREENSHOTS at docs/screenshots to refresh the README's copies on purpose.
SCREENSHOTS = Path(__file__).resolve().parents[2] / os.environ.get("EMPATHY_SCREENSHOTS", "build/screenshots")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ORG_ZONE = ZoneInfo("Asia/Shanghai")  # BABEL_DEFAULT_TIMEZONE: forms take local time in this zone

ADMIN = ("admin@empathy.example", "Empathy-Admin-2017")
COORDINATOR = ("coordinator@empathy.example", "Empathy-Coord-2017")
PASSWORD = "Sunny-Rooftops-2024"


def local_now() -> datetime:
    return datetime.now(ORG_ZONE)


def local_input(moment: datetime) -> str:
    """The value a datetime-local field takes."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def tomorrow_at(hour: int) -> datetime:
    return (local_now() + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the login form and land on the home page."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")


def sign_out(page: Page, name: str = "Sign out") -> None:
    """Sign out through the account menu (the button with the user's initial) and land on a signed-out page."""
    button = page.get_by_role("button", name=name)
    if not button.is_visible():
        page.locator(".account-button").click()
    button.click()
    expect(page.locator(".account-button")).to_have_count(0)


def register(page: Page, name: str, email: str, password: str = PASSWORD) -> None:
    """Create an account through the registration form; it signs the new user in and opens the guided
    profile's first step (skills)."""
    page.goto("/register")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/welcome/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("What can you offer?")


def fill_profile(page: Page, *, skills: list[tuple[str, str]], bio: str, department: str,
                 causes: tuple[str, ...] = ()) -> None:
    """Fill the profile form with skills given as (name, level option label) and save it."""
    page.goto("/profile")
    for row, (skill, level) in enumerate(skills):
        page.get_by_label("Skill", exact=True).nth(row).fill(skill)
        page.get_by_label("Level", exact=True).nth(row).select_option(label=level)
    page.get_by_label("Specialty and experience").fill(bio)
    page.get_by_label("Department").fill(department)
    page.get_by_label("Hours per month you can give").fill("12")
    page.get_by_label("Weekends").check()
    for cause in causes:
        page.get_by_role("checkbox", name=cause, exact=True).check()
    page.get_by_role("button", name="Save profile").last.click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")


def screenshot(page: Page, name: str, *, at=None, full_page: bool = False) -> Path:
    """Save a screenshot for the docs (from the top, or from the locator `at`), at most 300 KB."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if at is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        at.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16)")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    size = path.stat().st_size
    assert size < 300_000, f"{path.name} is {size} bytes: keep screenshots under 300 KB"
    return path
