"""The landing page at / for visitors, and the header's menus (the Menu button and the account menu)."""

from __future__ import annotations

import re

import pytest

from empathy.core import web
from tests.factories import DEFAULT_PASSWORD, make_user


def test_a_visitor_reads_what_empathy_does_then_finds_the_sign_in_form(client):
    html = client.get("/").text
    assert "<h1" in html and "public-welfare needs" in html and "The Empathy Formula" in html
    shot = re.search(r'<img src="([^"]+landing-suggestions\.png)"[^>]*alt="([^"]+)"', html)
    assert shot and "suggested volunteers" in shot.group(2)
    assert client.get(shot.group(1)).status_code == 200  # the screenshot ships with the app
    form = re.search(r'<form method="post" action="/login".*?</form>', html, re.S).group(0)
    assert 'name="email"' in form and 'name="password"' in form
    assert 'href="/register"' in html
    # What Empathy does comes before the sign-in form.
    assert html.index("How it works") < html.index('action="/login"')


def test_the_landing_page_speaks_chinese(client):
    client.post("/language", data={"language": "zh", "next": "/"})
    html = client.get("/").text
    assert "同理心公式" in html and "如何运作" in html and "The Empathy Formula" not in html
    # The picture of the app shows the Chinese interface, not the English one.
    shot = re.search(r'<img src="([^"]+)"[^>]*width="1100"', html).group(1)
    assert shot.endswith("/landing-suggestions-zh.png") and client.get(shot).status_code == 200


def test_the_landing_form_signs_in(client, session):
    user = make_user(session)
    action = re.search(r'<form method="post" action="([^"]+)"', client.get("/").text.split('id="sign-in"')[1]).group(1)
    response = client.post(action, data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")


def test_a_signed_in_user_going_to_the_root_gets_home(client, auth, session):
    user = make_user(session)
    auth.login(user.email, DEFAULT_PASSWORD)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")


def _header(html: str) -> str:
    return re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)


def test_signed_in_pages_have_a_menu_button_that_controls_the_navigation(client, auth, session):
    user = make_user(session, role="coordinator", display_name="Chen Siyuan")
    auth.login(user.email, DEFAULT_PASSWORD)
    header = _header(client.get("/needs").text)
    menu = re.search(r'<button type="button" class="menu-button"[^>]*>', header).group(0)
    assert 'aria-expanded="false"' in menu and 'aria-controls="site-menu"' in menu
    assert re.search(r'<nav class="main-nav" id="site-menu" aria-label="Main">', header)
    assert re.search(r'<script src="/static/js/menu.js"></script>', client.get("/needs").text)
    # The everyday pages sit in the bar; the rarely used ones and signing out in the account menu.
    bar, account = header.split('class="account-menu"')
    assert all(f'href="{p}"' in bar for p in ("/home", "/needs", "/needs/mine", "/needs/new", "/commitments",
                                              "/notifications", "/reports", "/profile"))
    assert 'href="/account/tokens"' in account and 'href="/account/privacy"' in account and "Sign out" in account
    assert 'href="/account/tokens"' not in bar
    button = re.search(r'<button type="button" class="account-button".*?</button>', account, re.S).group(0)
    assert 'aria-controls="account-links"' in button and "Chen Siyuan" in button


def test_a_visitor_has_no_menu_button(client):
    header = _header(client.get("/login").text)
    assert "menu-button" not in header and "account-menu" not in header and 'href="/login"' in header


def test_the_account_menu_marks_the_current_page(client, auth, session):
    user = make_user(session)
    auth.login(user.email, DEFAULT_PASSWORD)
    account = _header(client.get("/account/tokens", follow_redirects=True).text).split('class="account-menu"')[1]
    assert re.search(r'<a href="/account/tokens" aria-current="page">', account)


def test_main_nav_refuses_an_unknown_part(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="no navigation part"):
        web.main_nav(0, "footer")
