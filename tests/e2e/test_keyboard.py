"""Journey 5: journey 1 without a mouse (Tab, Shift+Tab, Enter, Space, arrows and typing only)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.helpers import PASSWORD

# What the focused element is called: its label, its aria-label, or its text.
ACTIVE_NAME = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const label = (el.labels && el.labels.length)
    ? el.labels[0].textContent : (el.getAttribute("aria-label") || el.textContent);
  return (label || "").replace(/\\s+/g, " ").trim();
}"""
FOCUS_STYLE = """() => {
  const style = getComputedStyle(document.activeElement);
  return {outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def tab_to(page: Page, name: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element called `name` has the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        current = page.evaluate(ACTIVE_NAME)
        if current == name:
            return
        seen.append(current)
    raise AssertionError(f"{name!r} never got the focus; focus went through {seen}")


def follow(page: Page, key: str = "Enter") -> None:
    """Press a key that loads another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def assert_focus_visible(page: Page) -> None:
    style = page.evaluate(FOCUS_STYLE)
    assert style["outline"] != "none" and style["width"] >= 2, (
        f"the focused element {page.evaluate(ACTIVE_NAME)!r} shows no focus ring: {style}")


def test_keyboard_only_registration_profile_and_suggestions(open_page):
    page = open_page("/")
    name = "Gao Shan"

    # The landing page leads to registration.
    tab_to(page, "Create an account")
    assert_focus_visible(page)
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")

    tab_to(page, "Name")
    assert_focus_visible(page)
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type("gao.shan@empathy.example")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    follow(page)
    # A new account starts at the guided profile (skills first).
    expect(page.get_by_role("heading", level=1)).to_have_text("What can you offer?")

    # To the profile through the main navigation.
    tab_to(page, "Profile")
    assert_focus_visible(page)
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")

    tab_to(page, "Skill")  # row 1
    assert_focus_visible(page)
    page.keyboard.type("光伏安装")
    page.keyboard.press("Tab")  # Level
    assert page.evaluate(ACTIVE_NAME) == "Level"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # 2 -> 4, expert
    tab_to(page, "Skill")  # row 2
    page.keyboard.type("Electrical safety inspection")
    tab_to(page, "Specialty and experience")
    page.keyboard.type("PV engineer: rooftop solar installation and wiring safety checks.")
    tab_to(page, "Weekends")
    assert_focus_visible(page)
    if not page.evaluate("document.activeElement.checked"):
        page.keyboard.press("Space")
    # Back up with Shift+Tab to the specialty field and press Enter in the department field above it:
    # Enter in a text field submits the form with its default button, "Save profile".
    tab_to(page, "Department", backwards=True)
    assert_focus_visible(page)
    page.keyboard.type("Solar Field Services")
    follow(page)
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_label("Skill", exact=True).nth(0)).to_have_value("Solar PV installation")
    expect(page.get_by_label("Level", exact=True).nth(0)).to_have_value("4")
    expect(page.get_by_label("Weekends")).to_be_checked()

    # Home: the suggestions come with their reasons; the first one opens with Enter.
    tab_to(page, "Home")
    follow(page)
    suggested = page.get_by_role("list", name="Suggested for you")
    expect(suggested).to_contain_text("Solar PV installation (expert)")
    first_title = suggested.get_by_role("heading", level=3).first.inner_text()
    tab_to(page, first_title)
    assert_focus_visible(page)
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(first_title)

    # The skip link is the first stop and takes the focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_NAME) == "Skip to content"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
