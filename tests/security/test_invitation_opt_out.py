"""An invitation does not get round the opt-out (issue 15, fault 8).

An employee who turned off "suggest me" and every sharing choice cannot be invited by id, through the API or the
web form alike (the whole request is refused and nothing is written), and being invited, declined or only
suggested to a coordinator's need does not open the employee's volunteering record to that coordinator.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from empathy.models import AuditEntry, Match, Notification
from empathy.privacy import services as privacy
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_user
from tests.reports.test_services import hours_row, local

EVERY_CHOICE_OFF = {"suggestible": False, "skills": False, "availability": False, "contact": False}


@pytest.fixture
def hidden(session, callers):
    """An employee who opted out of everything, with approved hours on another coordinator's need."""
    person = callers["employee"].user
    privacy.set_consents(session=session, user=person, choices=EVERY_CHOICE_OFF)
    elsewhere = make_need(session, owner=callers["coord2"].user, title="Night shelter", starts_at=local(2024, 3, 1, 9))
    hours_row(session, elsewhere, person, 3, date(2024, 3, 1))
    return person


@pytest.fixture
def need(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=3)


def _nothing_written(session, need_id: int) -> bool:
    session.rollback()  # see what the request committed
    return (session.exec(select(Match).where(Match.need_id == need_id)).first() is None
            and session.exec(select(Notification)).first() is None
            and session.exec(select(AuditEntry).where(AuditEntry.action == "volunteers_invited")).first() is None)


def test_api_refuses_to_invite_someone_who_opted_out(api, session, hidden, need):
    r = api("POST", f"/needs/{need.id}/invitations", "coord", json={"user_ids": [hidden.id]})
    assert r.status_code == 422, r.json
    assert r.json["errors"][0]["field"] == "user_ids"
    assert "cannot be invited" in r.json["errors"][0]["message"]
    assert _nothing_written(session, need.id)


def test_one_opted_out_person_refuses_the_whole_batch(api, session, callers, hidden, need):
    body = {"user_ids": [callers["other"].user.id, hidden.id]}
    r = api("POST", f"/needs/{need.id}/invitations", "coord", json=body)
    assert r.status_code == 422
    assert str(hidden.id) in r.json["errors"][0]["message"]
    assert str(callers["other"].user.id) not in r.json["errors"][0]["message"]
    assert _nothing_written(session, need.id)


def test_an_administrator_cannot_invite_them_either(api, session, hidden, need):
    assert api("POST", f"/needs/{need.id}/invitations", "admin", json={"user_ids": [hidden.id]}).status_code == 422
    assert _nothing_written(session, need.id)


def test_unknown_and_deactivated_ids_are_refused_alike(api, session, callers, need):
    """The answer must not tell an opted-out person from a closed account or a made-up id."""
    gone = make_user(session, active=False)
    for user_id in (gone.id, 424242):
        r = api("POST", f"/needs/{need.id}/invitations", "coord", json={"user_ids": [user_id]})
        assert r.status_code == 422 and "cannot be invited" in r.json["errors"][0]["message"]
    assert _nothing_written(session, need.id)


def test_web_invite_form_refuses_the_same_way(client, auth, session, callers, hidden, need):
    assert auth.login(callers["coord"].user.email, DEFAULT_PASSWORD).status_code == 302
    r = client.post(f"/needs/{need.id}/invite", data={"user_ids": [hidden.id], "message": "Come"},
                    follow_redirects=True)
    assert r.status_code == 200
    assert "cannot be invited" in r.text and "people invited" not in r.text
    assert _nothing_written(session, need.id)


def test_people_who_kept_suggest_me_on_are_still_invited(api, session, callers, need):
    privacy.set_consents(session=session, user=callers["other"].user,
                         choices={"skills": False, "availability": False, "contact": False})
    r = api("POST", f"/needs/{need.id}/invitations", "coord", json={"user_ids": [callers["other"].user.id]})
    assert r.status_code == 200 and r.json["invited"] == 1


@pytest.mark.parametrize("status", ["suggested", "invited", "declined"])
def test_an_invitation_does_not_open_the_record(client, auth, session, callers, hidden, need, status):
    """Only the employee's own step (signing up, taking part, logging hours) lets the coordinator see it."""
    make_match(session, need, hidden, status=status)  # e.g. an invitation sent before the opt-out
    assert auth.login(callers["coord"].user.email, DEFAULT_PASSWORD).status_code == 302
    assert client.get(f"/reports/employees/{hidden.id}/record").status_code == 403


@pytest.mark.parametrize("status", ["volunteered", "confirmed", "attended"])
def test_someone_who_joined_the_need_shows_their_record_to_its_coordinator(client, auth, session, callers, hidden,
                                                                          need, status):
    make_match(session, need, hidden, status=status)
    assert auth.login(callers["coord"].user.email, DEFAULT_PASSWORD).status_code == 302
    r = client.get(f"/reports/employees/{hidden.id}/record")
    assert r.status_code == 200 and "Night shelter" in r.text
