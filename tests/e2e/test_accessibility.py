"""axe-core on the main pages: no serious or critical violation (WCAG 2.x A and AA rules)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import ADMIN, COORDINATOR, DESKTOP, sign_in

# Demo employees: one who reads English, one who has chosen Chinese.
PEOPLE = {
    "employee": ("oliver.bennett.2@empathy.example", "volunteer-with-empathy"),
    "employee-zh": ("haolin.xie.6@empathy.example", "volunteer-with-empathy"),
    "admin": ADMIN,
    "coordinator": COORDINATOR,
}
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@pytest.fixture(scope="module")
def contexts(browser, live_server):
    """A signed-in browser profile per person, kept for the module (signing in once each)."""
    made = {}

    def _context(who):
        if who not in made:
            context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-US")
            if who != "visitor":
                page = context.new_page()
                sign_in(page, *PEOPLE[who])
                page.close()
            made[who] = context
        return made[who]

    yield _context
    for context in made.values():
        context.close()


def _need_path(context, suffix: str = "") -> str:
    """The first open need from the needs list (the demo coordinator's), found as a user would."""
    page = context.new_page()
    page.goto("/needs")
    href = page.get_by_role("main").get_by_role("link").filter(has_text="光伏").first.get_attribute("href")
    page.close()
    return href + suffix


PAGES = [
    ("visitor", "/"),
    ("visitor", "/login"),
    ("visitor", "/register"),
    ("visitor", "/forgot"),
    ("employee", "/home"),
    ("employee", "/welcome/1"),
    ("employee", "/welcome/2"),
    ("employee", "/profile"),
    ("employee", "/commitments"),
    ("employee", "/needs"),
    ("admin", "need detail"),
    ("admin", "suggestions"),
    ("admin", "people board"),
    ("admin", "/reports"),
    ("admin", "/admin/users"),
    ("admin", "/admin/import"),
    ("admin", "/home"),
    ("coordinator", "/home"),
    ("coordinator", "/review"),
    ("employee-zh", "/home"),
    ("employee-zh", "/profile"),
]


@pytest.mark.parametrize(("who", "where"), PAGES, ids=[f"{who}:{where}" for who, where in PAGES])
def test_page_has_no_serious_accessibility_violation(contexts, axe_source, who, where):
    context = contexts(who)
    path = {"need detail": lambda: _need_path(context),
            "suggestions": lambda: _need_path(context, "/suggestions"),
            "people board": lambda: _need_path(context, "/people")}.get(where, lambda: where)()
    page = context.new_page()
    try:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # Evaluated, not added as a <script>: the Content-Security-Policy forbids inline scripts.
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE)
    finally:
        page.close()
    blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not blocking, f"axe-core on {path}:\n" + json.dumps(blocking, indent=2, ensure_ascii=False)
    minor = [f"{v['id']} ({v['impact']})" for v in violations if v not in blocking]
    if minor:
        print(f"{path}: minor axe findings: {', '.join(minor)}")
