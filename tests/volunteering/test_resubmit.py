"""A create form sent twice (Back, then submit again) creates once and says "Already recorded"."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import func, select

from empathy.core.db import utcnow
from empathy.models import FormSubmission, HoursRecord, Match
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_user


@pytest.fixture
def confirmed(session):
    owner = make_user(session, role="coordinator")
    person = make_user(session)
    need = make_need(session, owner=owner, seats=3, starts_at=utcnow() - timedelta(days=1),
                     ends_at=utcnow() + timedelta(days=1), allows_extra_hours=True)
    return person, make_match(session, need, person, status="confirmed")


def _sign_in(auth, user):
    assert auth.login(user.email, DEFAULT_PASSWORD).status_code == 302


def _form_address(client, path: str) -> str:
    """Open a create form as a browser does: the bare address redirects to one with a one-time token."""
    first = client.get(path)
    assert first.status_code == 302
    address = first.headers["Location"]
    assert urlsplit(address).path == path and len(parse_qs(urlsplit(address).query)["once"][0]) >= 16
    assert client.get(address).status_code == 200
    return address


def _count(session, model) -> int:
    session.rollback()  # see what the requests committed
    return session.exec(select(func.count()).select_from(model)).one()


def test_hours_form_sent_twice_logs_once_and_says_already_recorded(client, auth, session, confirmed):
    person, match = confirmed
    _sign_in(auth, person)
    address = _form_address(client, f"/commitments/{match.id}/hours")
    data = {"hours": "3", "worked_on": utcnow().date().isoformat(), "note": "Kitchen"}
    first = client.post(address, data=data)
    assert first.status_code == 302 and first.headers["Location"] == "/commitments"
    # Back (the same address, fetched again), then submit again.
    assert client.get(address).status_code == 200
    again = client.post(address, data=data, follow_redirects=True)
    assert again.status_code == 200 and "Already recorded" in again.text
    assert _count(session, HoursRecord) == 1
    # A new form (a fresh token) logs more hours (another stint: the same entry again is refused as a repeat).
    client.post(_form_address(client, f"/commitments/{match.id}/hours"), data={**data, "note": "Kitchen, evening"})
    assert _count(session, HoursRecord) == 2


def test_a_refused_entry_keeps_the_token_usable(client, auth, session, confirmed):
    person, match = confirmed
    _sign_in(auth, person)
    address = _form_address(client, f"/commitments/{match.id}/hours")
    bad = client.post(address, data={"hours": "30", "worked_on": utcnow().date().isoformat()})
    assert bad.status_code == 200 and "at most 24" in bad.text
    assert client.post(address, data={"hours": "2", "worked_on": utcnow().date().isoformat()}).status_code == 302
    assert _count(session, HoursRecord) == 1 and _count(session, FormSubmission) == 1


def test_tokens_are_each_users_own(client, auth, session, confirmed):
    person, match = confirmed
    other = make_user(session)
    # Like `confirmed`'s need, it runs from yesterday to tomorrow: today is one of its days in any time zone
    # (a need of yesterday only did not run "today" in the organisation's time zone from 00:00 to 16:00 UTC).
    other_match = make_match(session, make_need(session, owner=make_user(session, role="coordinator"),
                                                starts_at=utcnow() - timedelta(days=1),
                                                ends_at=utcnow() + timedelta(days=1), allows_extra_hours=True),
                             other, status="confirmed")
    _sign_in(auth, person)
    address = _form_address(client, f"/commitments/{match.id}/hours")
    data = {"hours": "1", "worked_on": utcnow().date().isoformat()}
    client.post(address, data=data)
    auth.logout()
    _sign_in(auth, other)
    token = parse_qs(urlsplit(address).query)["once"][0]
    client.post(f"/commitments/{other_match.id}/hours?once={token}", data=data)
    assert _count(session, HoursRecord) == 2


def test_volunteer_form_sent_twice_signs_up_once(client, auth, session):
    need = make_need(session, owner=make_user(session, role="coordinator"), seats=3)
    person = make_user(session)
    _sign_in(auth, person)
    address = _form_address(client, f"/needs/{need.id}/volunteer")
    assert client.post(address, data={"message": ""}).status_code == 302
    again = client.post(address, data={"message": ""}, follow_redirects=True)
    assert "Already recorded" in again.text and "already signed up" not in again.text
    assert _count(session, Match) == 1


def test_hours_volunteer_and_token_forms_sent_without_a_token_create_nothing(client, auth, session, confirmed):
    from empathy.models import ApiToken

    person, match = confirmed
    other = make_need(session, owner=make_user(session, role="coordinator"), seats=3)
    _sign_in(auth, person)
    forms = [
        (f"/commitments/{match.id}/hours", {"hours": "3", "worked_on": utcnow().date().isoformat(),
                                            "note": "Kitchen"}, HoursRecord, "Kitchen"),
        (f"/needs/{other.id}/volunteer", {"message": "Happy to help"}, Match, "Happy to help"),
        ("/account/tokens", {"name": "laptop", "expires": "30"}, ApiToken, "laptop"),
    ]
    for path, data, model, typed in forms:
        before = _count(session, model)
        page = client.post(f"{path}?once=", data=data)
        assert page.status_code == 200, path
        assert "send the form again" in page.text and typed in page.text
        assert _count(session, model) == before
        action = page.text.split(f'action="{path}?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        action = f"{path}?{action}"
        assert urlsplit(action).path == path and len(parse_qs(urlsplit(action).query)["once"][0]) >= 16
        assert client.post(action, data=data).status_code in (200, 302)  # the token page shows the secret
        assert _count(session, model) == before + 1
