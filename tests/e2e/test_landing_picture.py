"""The landing page's picture of the app is in the page's language: a Chinese page shows the Chinese UI.

`make screenshots` (EMPATHY_SCREENSHOTS set) first takes both pictures again from the demo: a coordinator's
suggested volunteers for the demo's legal clinic, in English and in Chinese.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import COORDINATOR, sign_in

IMG = Path(__file__).resolve().parents[2] / "empathy" / "static" / "img"
PICTURES = {"en": IMG / "landing-suggestions.png", "zh": IMG / "landing-suggestions-zh.png"}


def _take_picture(page, lang: str) -> None:
    """The coordinator's suggestions for the legal clinic, in `lang`, cut to the list (1100 x 720)."""
    page.goto("/home")
    with page.expect_navigation():
        page.locator(f'.lang-switch button[value="{lang}"]').click()
    page.set_viewport_size({"width": 1100, "height": 1400})
    page.goto("/needs/mine")
    need = page.locator("main .need-card h2 a").filter(has_text="Free legal clinic").first.get_attribute("href")
    page.goto(need + "/suggestions")
    top = page.evaluate("document.querySelector('.suggestions').getBoundingClientRect().top + window.scrollY")
    page.screenshot(path=str(PICTURES[lang]), clip={"x": 0, "y": top - 44, "width": 1100, "height": 720},
                    animations="disabled", caret="hide")


@pytest.fixture(scope="module")
def pictures(browser, live_server):
    if os.environ.get("EMPATHY_SCREENSHOTS"):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(30_000)
        page = context.new_page()
        sign_in(page, *COORDINATOR)
        for lang in PICTURES:
            _take_picture(page, lang)
        context.close()
    return PICTURES


@pytest.mark.parametrize(("lang", "html_lang"), [("en", "en"), ("zh", "zh-Hans")])
def test_the_landing_picture_is_in_the_pages_language(pictures, open_page, lang, html_lang):
    page = open_page("/")
    if lang != "en":
        with page.expect_navigation():
            page.locator(f'.lang-switch button[value="{lang}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    shot = page.locator(".landing-shot img")
    assert shot.get_attribute("src").endswith("/" + pictures[lang].name)
    expect(shot).to_have_js_property("complete", True)
    assert shot.evaluate("img => img.naturalWidth") == 1100
    assert pictures["en"].read_bytes() != pictures["zh"].read_bytes()
