"""The main navigation (core.web.main_nav): kept once rendered, yet right for each page, role, language and count."""

import re

from empathy.volunteering.services import notifications
from tests.factories import DEFAULT_PASSWORD, make_user


def _nav(html: str) -> str:
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', _nav(html))


def test_each_role_sees_its_own_links_whoever_opened_the_page_first(app, session):
    people = {role: make_user(session, role=role) for role in ("admin", "coordinator", "employee")}
    seen = {}
    for role in ("admin", "coordinator", "employee", "admin"):
        client = app.test_client()
        client.post("/login", data={"email": people[role].email, "password": DEFAULT_PASSWORD})
        seen[role] = _nav(client.get("/home").text)
    assert 'href="/admin/users"' in seen["admin"] and 'href="/reports"' in seen["admin"]
    assert 'href="/admin/users"' not in seen["coordinator"] and 'href="/needs/new"' in seen["coordinator"]
    employee = seen["employee"]
    assert 'href="/needs"' in employee and 'href="/home"' in employee
    assert not any(link in employee for link in ('href="/admin/users"', 'href="/reports"', 'href="/needs/new"',
                                                  'href="/needs/mine"'))


def test_the_current_page_is_marked_in_the_navigation(client, auth, session):
    user = make_user(session)
    auth.login(user.email, DEFAULT_PASSWORD)
    assert _current(client.get("/home").text) == ["/home"]
    assert _current(client.get("/needs").text) == ["/needs"]
    assert _current(client.get("/notifications").text) == ["/notifications"]
    assert _current(client.get("/home").text) == ["/home"]


def test_the_unread_count_follows_new_and_read_notifications(app, client, auth, session):
    user = make_user(session)
    auth.login(user.email, DEFAULT_PASSWORD)
    assert "badge count" not in _nav(client.get("/home").text)
    with app.app_context():
        notifications.notify(session, user, "withdrawn", {"name": "X", "need": "Y"})
        notifications.notify(session, user, "withdrawn", {"name": "X", "need": "Z"})
        session.commit()
    assert re.search(r'aria-label="2 unread">2</span>', _nav(client.get("/home").text))
    with app.app_context():
        notifications.mark_read(session=session, user=user, notification_id=None)
    assert "badge count" not in _nav(client.get("/home").text)


def test_the_navigation_speaks_the_reader_language(client, auth, session):
    user = make_user(session)
    auth.login(user.email, DEFAULT_PASSWORD)
    assert ">Needs</a>" in _nav(client.get("/needs").text)
    client.post("/language", data={"language": "zh", "next": "/needs"})
    chinese = _nav(client.get("/needs").text)
    assert ">Needs</a>" not in chinese and 'aria-current="page"' in chinese
    client.post("/language", data={"language": "en", "next": "/needs"})
    assert ">Needs</a>" in _nav(client.get("/needs").text)
