"""The layout on a desk (1366x768) and on a phone (390x844), in English and in Chinese.

Every main page, for the role that uses it, must not scroll sideways, even with a 300-character unbroken string
in a need and a 120-character one as a person's name; from 1024 px up the header is one line, and below that
the navigation folds behind a "Menu" button. Within a page (every confirmation step opened): nothing sticks out
of its card or box, no box scrolls sideways (on a phone a wide table reads row by row instead), no word breaks in
the middle in a table, a button or a label, no date or time breaks over two lines, two cards side by side or one
above the other keep 8 px apart, links side by side keep 8 px apart, fields in one row line up, and an opened step
stretches no button.
One signed-in browser profile per role serves the four runs, and each run saves a screenshot of every page in
build/screenshots/layout/ to look at.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ADMIN, COORDINATOR, PASSWORD, local_input, screenshot, sign_in, tomorrow_at

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SWEEP = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "layout"  # 136 pictures: never in docs/
REFRESH_DOCS = bool(os.environ.get("EMPATHY_SCREENSHOTS"))  # `make screenshots`

LONG = ("https://example.org/" + "0123456789abcdefghij" * 15)[:300]  # 300 characters, not one space
LONG_NAME = "Bartholomew" + "x" * 109  # 120 characters, the longest name the register form takes
EMPLOYEE = ("oliver.bennett.2@empathy.example", "volunteer-with-empathy")
ONE_LINE_HEADER_PX = 64  # one row of links (57 px measured); a second row makes it 90 px or more

# Every page, by who opens it: a path, or a name resolved by the `paths` fixture.
PAGES = [
    ("visitor", "/", "landing"),
    ("visitor", "/login", "login"),
    ("visitor", "/register", "register"),
    ("visitor", "/forgot", "forgot"),
    ("employee", "/home", "home-employee"),
    ("employee", "/needs", "needs"),
    ("employee", "long need", "need-long"),
    ("employee", "volunteer", "volunteer"),
    ("employee", "/commitments", "commitments"),
    ("employee", "hours", "hours"),
    ("employee", "/profile", "profile"),
    ("employee", "/welcome/1", "welcome-1"),
    ("employee", "/welcome/2", "welcome-2"),
    ("employee", "/welcome/3", "welcome-3"),
    ("employee", "/notifications", "notifications"),
    ("employee", "/account/tokens", "tokens"),
    ("employee", "/account/privacy", "privacy"),
    ("employee", "/credentials", "credentials"),
    ("employee", "/me/record", "record"),
    ("long-name", "/home", "home-long-name"),
    ("coordinator", "/home", "home-coordinator"),
    ("coordinator", "/review", "review"),
    ("coordinator", "demo need", "need-coordinator"),
    ("coordinator", "/needs/mine", "needs-mine"),
    ("coordinator", "/needs/new", "need-form"),
    ("coordinator", "long need edit", "need-edit-long"),
    ("coordinator", "suggestions", "suggestions"),
    ("coordinator", "people", "people"),
    ("coordinator", "team", "team"),
    ("coordinator", "/reports", "reports"),
    ("coordinator", "/reports/skills", "reports-skills"),
    ("admin", "/home", "home-admin"),
    ("admin", "/admin/users", "admin-users"),
    ("admin", "long name in users", "admin-users-long-name"),
    ("admin", "/admin/skills", "admin-skills"),
    ("admin", "skill merge", "admin-skill-merge"),
    ("admin", "/admin/sites", "admin-sites"),
    ("admin", "/admin/import", "admin-import"),
    ("admin", "/admin/export", "admin-export"),
    ("admin", "/admin/audit", "audit"),
    ("admin", "/admin/outbox", "outbox"),
    ("admin", "/admin/credentials", "admin-credentials"),
    ("admin", "/api/v1/docs", "api-docs"),
]
# The README's pictures from this sweep (`make screenshots`): (page, size, language) -> file name.
README_SHOTS = {
    ("landing", "desk", "en"): "landing",
    ("landing", "phone", "zh"): "landing-phone-zh",
    ("need-long", "phone", "en"): "need-long-words-phone",
}

BOX_OVERFLOW = """() => {
  // Elements that stick out of the bordered box they sit in (a card, a table's box, a fieldset, a confirmation
  // step): only the outermost one of each. Content in a box that scrolls or clips is that box's business.
  const faults = [], seen = new Set();
  const name = el => el.tagName.toLowerCase() + (typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "") + (el.id ? "#" + el.id : "");
  const isBox = (el, s) => s.display !== "inline" && s.display !== "contents"
    && parseFloat(s.borderLeftWidth) > 0 && parseFloat(s.borderRightWidth) > 0
    && !el.matches("input, select, textarea, button, summary, a, .button, .badge");
  for (const el of document.querySelectorAll("main *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest(".visually-hidden, .default-submit")) continue;
    if (["absolute", "fixed"].includes(getComputedStyle(el).position)) continue;
    let box = null;
    for (let a = el.parentElement; a && a.tagName !== "BODY"; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== "visible") break;
      if (isBox(a, s)) { box = a; break; }
    }
    if (!box || seen.has(el.parentElement)) { if (seen.has(el.parentElement)) seen.add(el); continue; }
    const b = box.getBoundingClientRect(), s = getComputedStyle(box);
    const left = b.left + parseFloat(s.borderLeftWidth), right = b.right - parseFloat(s.borderRightWidth);
    const over = Math.max(r.right - right, left - r.left);
    if (over > 1) {
      seen.add(el);
      faults.push(`${name(el)} sticks out of ${name(box)} by ${Math.round(over)} px`
        + ` (${Math.round(r.width)} px in ${Math.round(right - left)} px)`);
    }
  }
  return faults;
}"""
SCROLL_BOXES = """() => [...document.querySelectorAll("main *")].filter(el => {
    // A code sample (<pre>) may scroll; nothing else does.
    const s = getComputedStyle(el);
    return ["auto", "scroll", "hidden"].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1
      && el.clientWidth > 1 && !el.closest(".visually-hidden, .default-submit, pre");  // 1 px: hidden, as a table's
      // head is on a phone
  }).map(el => `${el.tagName.toLowerCase()}.${el.className} scrolls sideways: `
    + `${el.scrollWidth} px in ${el.clientWidth} px`)"""
BROKEN_WORDS = """() => {
  // Words split over two lines in a table's cell, a button or a label (only in a token under 30 characters: a
  // pasted URL may break anywhere).
  const out = [], range = document.createRange();
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest("td, th, button, .button, summary, label")) continue;
    if (n.parentElement.closest(".visually-hidden, .default-submit, script, style, textarea, option, select")) continue;
    for (const token of n.data.matchAll(/\\S+/g)) {
      if (token[0].length > 30) continue;
      for (const word of token[0].matchAll(/[A-Za-z0-9]{2,}/g)) {
        const start = token.index + word.index;
        range.setStart(n, start);
        range.setEnd(n, start + word[0].length);
        const tops = new Set([...range.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top)));
        if (tops.size > 1) {
          out.push(`"${word[0]}" breaks across lines in ${n.parentElement.tagName.toLowerCase()}: `
            + `"${n.data.trim().slice(0, 60)}"`);
        }
      }
    }
  }
  return [...new Set(out)].slice(0, 8);
}"""
BROKEN_DATES = """() => {
  // A date or a time split over two lines ("19 Dec 2026, 09:00" went over four in a narrow column).
  const out = [], range = document.createRange();
  // A day and its time may go on two lines; neither breaks inside.
  const when = new RegExp("\\\\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\\\d{4}"
    + "|\\\\d{4}年\\\\d{1,2}月\\\\d{1,2}日|\\\\d{2}:\\\\d{2}(?:–\\\\d{2}:\\\\d{2})?", "g");
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest(".visually-hidden, .default-submit, script, style, textarea, option, select")) continue;
    for (const found of n.data.matchAll(when)) {
      range.setStart(n, found.index);
      range.setEnd(n, found.index + found[0].length);
      const tops = new Set([...range.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top)));
      if (tops.size > 1) {
        out.push(`"${found[0]}" breaks over ${tops.size} lines in ${n.parentElement.tagName.toLowerCase()}`);
      }
    }
  }
  return [...new Set(out)].slice(0, 8);
}"""
CARD_GAPS = """() => {
  // Two cards (or boxed tables) one above the other, or side by side, with less than 8 px between them.
  const name = el => el.tagName.toLowerCase() + "." + [...el.classList].join(".")
    + (el.querySelector("h1, h2, h3") ? ` "${el.querySelector("h1, h2, h3").textContent.trim().slice(0, 30)}"` : "");
  const boxes = [...document.querySelectorAll("main .card, main .table-wrap")].filter(el => {
    const s = getComputedStyle(el);
    return el.getClientRects().length && parseFloat(s.borderTopWidth) > 0 && !el.closest(".visually-hidden");
  });
  const out = [];
  for (const a of boxes) {
    for (const b of boxes) {
      if (a === b || a.contains(b) || b.contains(a)) continue;
      const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      const across = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const along = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      const below = q.top - p.bottom, beside = q.left - p.right;
      if (across > 0 && below > -1 && below < 8) out.push(`${name(b)} is ${Math.round(below)} px below ${name(a)}`);
      if (along > 0 && beside > -1 && beside < 8) out.push(`${name(b)} is ${Math.round(beside)} px beside ${name(a)}`);
    }
  }
  return out.slice(0, 5);
}"""
LINKS_TOGETHER = """() => {
  // Links side by side with less than 8 px between them (and nothing but a space) read as one.
  const out = [];
  const isLink = el => el && el.matches("a, button, summary, .button") && el.getClientRects().length > 0;
  for (const el of document.querySelectorAll("main a")) {
    if (!isLink(el)) continue;
    let n = el.nextSibling, text = "";
    while (n && n.nodeType === Node.TEXT_NODE) { text += n.data; n = n.nextSibling; }
    if (text.trim() || !n || n.nodeType !== Node.ELEMENT_NODE) continue;
    const next = n.matches("form") && n.querySelector("button") ? n.querySelector("button") : n;
    if (!isLink(next)) continue;
    const a = [...el.getClientRects()].pop(), b = next.getClientRects()[0];
    const sameLine = Math.abs((a.top + a.bottom) - (b.top + b.bottom)) / 2 < Math.min(a.height, b.height) / 2;
    if (sameLine && b.left - a.right < 8) {
      const gap = Math.round(b.left - a.right);
      out.push(`"${el.textContent.trim()}" and "${next.textContent.trim()}" are ${gap} px apart`);
    }
  }
  return out;
}"""
CONTROLS_IN_LINE = """() => {
  // Text boxes and drop-downs side by side start and end at the same height.
  const boxes = [...document.querySelectorAll("main input, main select")].filter(el =>
    !["checkbox", "radio", "hidden", "file"].includes(el.type) && el.getClientRects().length
    && !el.closest(".visually-hidden, .default-submit"));
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].getBoundingClientRect(), b = boxes[j].getBoundingClientRect();
      if (Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) <= 0) continue;
      if (Math.abs(a.top - b.top) > 1 || Math.abs(a.bottom - b.bottom) > 1) {
        out.push(`#${boxes[i].id} and #${boxes[j].id} are side by side but ${Math.round(b.top - a.top)} px apart`
          + ` at the top and ${Math.round(b.bottom - a.bottom)} px at the bottom`);
      }
    }
  }
  return out.slice(0, 5);
}"""
# Every control's height, then every confirmation step opened: the controls beside a step keep their height.
CONTROL_HEIGHTS = """() => [...document.querySelectorAll("main a, main button, main summary, main select, main input")]
  .filter(el => !el.closest(".confirm-body")).map(el => Math.round(el.getBoundingClientRect().height))"""
OPEN_CONFIRM_STEPS = """open => { const steps = document.querySelectorAll("main details.confirm-step");
  steps.forEach(d => { d.open = open; }); return steps.length; }"""
GROWN = """before => [...document.querySelectorAll("main a, main button, main summary, main select, main input")]
  .filter(el => !el.closest(".confirm-body"))
  .map((el, i) => [el, Math.round(el.getBoundingClientRect().height) - before[i]]).filter(([el, grown]) => grown > 2)
  .map(([el, grown]) => `"${el.textContent.trim().slice(0, 40)}" grew ${grown} px when a confirmation step opened`)"""
HEADER = """() => {
  const header = document.querySelector(".site-header");
  const shown = [...header.querySelectorAll(".header-row a, .header-row button")]
    .filter(el => el.getClientRects().length > 0);
  const middles = shown.map(el => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; });
  return {height: header.getBoundingClientRect().height, spread: Math.max(...middles) - Math.min(...middles),
          items: shown.length};
}"""
WIDEST = """() => {
  // The elements that stick out past the right edge, to name them when a page scrolls sideways.
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && r.width > 0) {
      out.push(el.tagName.toLowerCase() + "." + el.className + " " + Math.round(r.right));
    }
  }
  return out.slice(-5);
}"""


def _use_language(context, role: str, lang: str) -> None:
    """Choose the language with the header's switch (kept with the account for a signed-in user)."""
    page = context.new_page()
    page.goto("/login" if role == "visitor" else "/home")
    with page.expect_navigation():
        page.locator(f'.lang-switch button[value="{lang}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if lang == "zh" else "en")
    page.close()


def _post_long_need(page: Page) -> str:
    """The coordinator posts and publishes a need whose title, beneficiary and description hold unbroken strings."""
    page.goto("/needs/new")
    page.get_by_label("Title").fill(LONG[:200])
    page.get_by_label("Description").fill(f"Read {LONG} before you come.")
    page.get_by_label("Cause").select_option(label="Education")
    page.get_by_label("Beneficiary organisation").fill("Z" * 200)
    page.get_by_label("Starts").fill(local_input(tomorrow_at(9)))
    page.get_by_label("Ends").fill(local_input(tomorrow_at(17)))
    page.get_by_label("Site").select_option(label="Yanchi County PV base (Ningxia)")
    page.get_by_label("Volunteers needed").fill("3")
    page.get_by_label("Skill", exact=True).nth(0).fill("Solar PV installation")
    page.get_by_role("button", name="Save").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LONG[:200])
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Open", exact=True).first).to_be_visible()
    return re.search(r"/needs/\d+", page.url).group(0)


@pytest.fixture(scope="module")
def people(browser, live_server):
    """One signed-in browser profile per role (and one for a visitor), kept for the module."""
    made = {}
    for role, who in (("visitor", None), ("employee", EMPLOYEE), ("coordinator", COORDINATOR), ("admin", ADMIN),
                      ("long-name", None)):
        context = browser.new_context(base_url=live_server.url, viewport=DESK, locale="en-US")
        context.set_default_timeout(30_000)  # the first sign-ins load the matching index
        page = context.new_page()
        if who is not None:
            sign_in(page, *who)
        elif role == "long-name":
            page.goto("/register")
            page.get_by_label("Name").fill(LONG_NAME)
            page.get_by_label("Email").fill("bartholomew.long@empathy.example")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_label("Repeat password").fill(PASSWORD)
            page.get_by_role("button", name="Create account").click()
            expect(page.locator(".account-button")).to_be_attached()
        page.close()
        made[role] = context
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="module")
def paths(people):
    """The pages that need an id, found as their users would find them; posts the need with long strings."""
    coordinator = people["coordinator"].new_page()
    need = _post_long_need(coordinator)
    coordinator.goto("/needs/mine")
    demo = coordinator.locator("main .need-card h2 a").filter(has_text="Install fall-detection sensors").first
    demo_need = re.search(r"/needs/\d+", demo.get_attribute("href")).group(0)
    coordinator.close()
    employee = people["employee"].new_page()
    employee.goto("/commitments")
    hours = employee.locator('main a[href$="/hours"]').first.get_attribute("href")
    employee.close()
    admin = people["admin"].new_page()
    admin.goto("/admin/skills")
    merge = admin.locator('main a[href$="/merge"]').first.get_attribute("href")
    admin.close()
    return {"long need": need, "long need edit": need + "/edit", "volunteer": need + "/volunteer", "hours": hours,
            "suggestions": demo_need + "/suggestions", "people": demo_need + "/people", "team": demo_need + "/team",
            "long name in users": "/admin/users?q=bartholomew", "skill merge": merge, "demo need": demo_need}


def _check_page(page: Page, path: str, size: str) -> list[str]:
    """What is wrong with the open page: sideways scrolling, a header on two lines, a phone menu left open, an
    element sticking out of its card or box (or a box scrolling sideways on a desk), a word broken in a table, links
    run together, fields side by side out of line, a button stretched by an opened confirmation step."""
    faults = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > page.viewport_size["width"]:
        faults.append(f"{path}: {scroll_width} px wide at {page.viewport_size['width']} px: {page.evaluate(WIDEST)}")
    header = page.evaluate(HEADER)
    if size == "desk" and (header["height"] > ONE_LINE_HEADER_PX or header["spread"] > 6):
        faults.append(f"{path}: the header is not one line at {page.viewport_size['width']} px: {header}")
    if size == "phone" and header["height"] > 2 * ONE_LINE_HEADER_PX:
        faults.append(f"{path}: the phone's header takes {header['height']} px: the menu should fold")
    heights = page.evaluate(CONTROL_HEIGHTS)
    if page.evaluate(OPEN_CONFIRM_STEPS, True):  # the boxes below are measured with every step open
        faults += [f"{path}: {fault}" for fault in page.evaluate(GROWN, heights)]
    found = page.evaluate(BOX_OVERFLOW) + page.evaluate(BROKEN_WORDS) + page.evaluate(LINKS_TOGETHER)
    found += page.evaluate(CONTROLS_IN_LINE) + page.evaluate(SCROLL_BOXES) + page.evaluate(BROKEN_DATES)
    page.evaluate(OPEN_CONFIRM_STEPS, False)
    found += page.evaluate(CARD_GAPS)  # with the steps closed, as a reader first sees the page
    return faults + [f"{path}: {fault}" for fault in found]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", ["desk", "phone"])
def test_no_page_scrolls_sideways_and_the_header_fits(people, paths, size, lang):
    viewport = DESK if size == "desk" else PHONE
    for role, context in people.items():
        _use_language(context, role, lang)
    SWEEP.mkdir(parents=True, exist_ok=True)
    faults = []
    pages = {role: context.new_page() for role, context in people.items()}
    try:
        for page in pages.values():
            page.set_viewport_size(viewport)
        for role, where, name in PAGES:
            page, path = pages[role], paths.get(where, where)
            response = page.goto(path)
            assert response.status == 200, f"{role} {path} answered {response.status}"
            faults += _check_page(page, path, size)
            page.screenshot(path=str(SWEEP / f"{name}-{size}-{lang}.png"), animations="disabled", caret="hide")
            if REFRESH_DOCS and (name, size, lang) in README_SHOTS:
                screenshot(page, README_SHOTS[name, size, lang])
    finally:
        for page in pages.values():
            page.close()
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("role", ["employee", "coordinator", "admin"])
def test_the_header_is_one_line_from_1024_px_and_folds_below(people, role, axe_source):
    page = people[role].new_page()
    try:
        for lang in ("en", "zh"):
            page.goto("/home")
            with page.expect_navigation():
                page.locator(f'.lang-switch button[value="{lang}"]').click()
            for width in (1024, 1280, 1366, 1920):
                page.set_viewport_size({"width": width, "height": 768})
                header = page.evaluate(HEADER)
                assert header["height"] <= ONE_LINE_HEADER_PX and header["spread"] <= 6, (role, lang, width, header)
                assert page.evaluate("document.documentElement.scrollWidth") <= width, (role, lang, width)
        with page.expect_navigation():
            page.locator('.lang-switch button[value="en"]').click()

        # The account menu holds the rarely used pages and signing out.
        page.set_viewport_size(DESK)
        account = page.locator(".account-button")
        expect(page.get_by_role("link", name="API tokens")).to_be_hidden()
        account.click()
        expect(account).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("link", name="API tokens")).to_be_visible()
        page.keyboard.press("Escape")
        expect(account).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("link", name="API tokens")).to_be_hidden()

        # A phone: the links wait behind the Menu button, which says whether it is open.
        page.set_viewport_size(PHONE)
        menu = page.get_by_role("button", name="Menu")
        nav = page.get_by_role("navigation", name="Main")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_have_attribute("aria-controls", "site-menu")
        expect(nav).to_be_hidden()
        assert page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height") <= 0.12 * 844
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(nav.get_by_role("link", name="Needs", exact=True)).to_be_visible()
        expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
        page.evaluate(axe_source)  # evaluated, not a <script>: the Content-Security-Policy forbids inline scripts
        violations = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.help)""")
        assert not violations, json.dumps(violations, indent=2)
        nav.get_by_role("link", name="Needs", exact=True).click()
        expect(page).to_have_url(re.compile(r"/needs$"))
        expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    finally:
        page.close()


def test_without_javascript_the_navigation_stays_open(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, *COORDINATOR)
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()  # it would do nothing
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="New need")).to_be_visible()
        expect(nav.get_by_role("link", name="API tokens")).to_be_visible()
        expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
