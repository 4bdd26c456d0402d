"""Journey 4: a user switches the interface to Chinese and back; also the phone-width layout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import COORDINATOR, PASSWORD, PHONE, fill_profile, register, screenshot, sign_in, sign_out

EMPLOYEE = ("maya.chen@empathy.example", PASSWORD)


def test_user_switches_to_chinese_and_back(open_page):
    page = open_page("/register")
    register(page, "Maya Chen", EMPLOYEE[0])
    fill_profile(page, skills=[("光伏安装", "3 – Advanced"), ("Project management", "2 – Intermediate")],
                 bio="Solar engineer who also runs community projects.", department="Renewables",
                 causes=("Environment", "Education"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="中文").click()
    # The same page, now in Chinese: headings, navigation, labels, and the skills in their Chinese names.
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("您的档案")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")
    nav = page.get_by_role("navigation").first
    expect(nav.get_by_role("link", name="首页")).to_be_visible()
    expect(page.get_by_role("group", name="技能")).to_be_visible()
    expect(page.get_by_label("技能", exact=True).first).to_have_value("光伏安装")
    expect(page.get_by_role("button", name="保存档案").last).to_be_visible()
    screenshot(page, "profile-zh")

    # The choice is kept with the account: signing in from another browser finds Chinese again.
    sign_out(page, "退出登录")
    expect(page.get_by_role("banner").get_by_role("link", name="登录")).to_be_visible()
    page = open_page()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in(page, *EMPLOYEE)
    expect(page.get_by_role("heading", name="为您推荐")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Suggested for you")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")


def test_home_page_fits_a_phone(open_page):
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    sign_in(page, "haolin.xie.6@empathy.example", "volunteer-with-empathy")  # 谢昊琳, a demo PV engineer
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Suggested for you")).to_be_visible()
    # Nothing is wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "home-phone")


def test_a_date_box_on_a_chinese_page_says_its_order_and_the_chosen_day_in_chinese(open_page):
    # An American browser (en-US) lays date boxes out as mm/dd/yyyy whatever the page's language: the hint under
    # the box names that order in Chinese, and reads the chosen day back in Chinese.
    page = open_page("/login")
    sign_in(page, *COORDINATOR)
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto("/needs/new")
    starts = page.get_by_label("开始")
    hint = page.locator("#starts_at-hint")
    expect(hint).to_have_text("请按“月/日/年”的顺序填写日期，或在日历中选择。")
    assert starts.get_attribute("aria-describedby").split()[0] == "starts_at-hint"
    starts.fill("2031-03-04T09:30")
    expect(hint).to_contain_text("您选的是：2031年3月4日 09:30")  # as the pages write a moment
    page.goto("/needs?date_from=2031-03-04")
    expect(page.locator("#date_from-hint")).to_contain_text("您选的是：2031年3月4日")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#date_from-hint")).to_contain_text("Type the date as month/day/year")
    expect(page.locator("#date_from-hint")).to_contain_text("Chosen: 4 Mar 2031")


@pytest.mark.parametrize(("lang", "start", "chosen"), [("en", "1 Jan 2031", "Chosen: 1 Jan 2031"),
                                                       ("zh", "2031年1月1日", "您选的是：2031年1月1日")])
def test_the_reports_write_the_chosen_day_as_they_write_the_range(open_page, lang, start, chosen):
    # The reviewer saw "Thursday, January 1, 2026" under the date box beside "1 Jan 2026" in the sentence above it.
    page = open_page("/login")
    sign_in(page, *COORDINATOR)
    with page.expect_navigation():
        page.locator(f'.lang-switch button[value="{lang}"]').click()
    page.goto("/reports?from=2031-01-01&to=2031-03-31")
    expect(page.locator(".report-head .lead")).to_contain_text(start)
    expect(page.locator("#from-hint .date-chosen")).to_have_text(chosen)
