"""A need that moves or is called off tells its people; reminders and calendar entries follow the move.

Issue #16, faults 2 (changes tell nobody), 3 (reminders tied to the first date) and 4 (calendar entries
never update). Times are typed at +08:00, the organisation's zone (Asia/Shanghai).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.models import CalendarFeed, Match, Need, Notification, OutboxMessage
from empathy.models.need_schemas import NeedUpdate
from empathy.needs import services as needs
from empathy.volunteering.services import calendar, notifications, roster, signups
from tests.api.fixtures import token_for
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_site, make_user

CST = timezone(timedelta(hours=8))
YEAR = utcnow().year + 1  # always in the future


def _at(month: int, day: int, hour: int) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=CST)


@pytest.fixture
def moved(app, session):
    """A need on 19 Dec with two confirmed volunteers (one reads Chinese), one invited, one withdrawn."""
    owner = make_user(session, role="coordinator", display_name="Cora")
    site = make_site(session, name_en="Harbour Library", name_zh="海港图书馆")
    need = make_need(session, owner=owner, title="Reading hour", starts_at=_at(12, 19, 9),
                     ends_at=_at(12, 19, 12), site_id=site.id)
    ann = make_user(session, display_name="Ann")
    bo = make_user(session, display_name="Bo", preferred_language="zh")
    cy = make_user(session, display_name="Cy")
    gone = make_user(session, display_name="Gone")
    for person, status in ((ann, "confirmed"), (bo, "confirmed"), (cy, "invited"), (gone, "withdrawn")):
        make_match(session, need, person, status=status)
    need.seats_taken = 2
    session.add(need)
    session.commit()
    return owner, need, (ann, bo, cy, gone)


def _notes(session, kind):
    return session.exec(select(Notification).where(Notification.kind == kind).order_by(Notification.user_id)).all()


def _mails(session, kind):
    return session.exec(select(OutboxMessage).where(OutboxMessage.kind.like(f"{kind}:%"))
                        .order_by(OutboxMessage.id)).all()


# ----------------------------------------------------------------------------- fault 2: change notices
def test_moving_a_need_tells_confirmed_and_invited_people_in_app_and_by_mail(app, session, moved):
    owner, need, (ann, bo, cy, gone) = moved
    with app.test_request_context():
        change = needs.change_need(session=session, actor=owner, need_id=need.id,
                                   data=NeedUpdate(starts_at=_at(12, 20, 9), ends_at=_at(12, 20, 12)))
    assert sorted(change.told) == ["Ann", "Bo", "Cy"]
    notes = _notes(session, "need_changed")
    assert [n.user_id for n in notes] == [ann.id, bo.id, cy.id]
    assert all(n.need_id == need.id for n in notes)
    mails = _mails(session, "need_changed")
    assert sorted(m.to_address for m in mails) == sorted([ann.email, bo.email, cy.email])
    english = next(m for m in mails if m.to_address == ann.email)
    # Old and new time in the organisation's zone (+08:00), and the place.
    assert "19 Dec 2027, 09:00–12:00" in english.body and "20 Dec 2027, 09:00–12:00" in english.body
    assert "Harbour Library" in english.body
    chinese = next(m for m in mails if m.to_address == bo.email)
    assert "12月19日" in chinese.body and "12月20日" in chinese.body and "海港图书馆" in chinese.body


def test_a_title_only_edit_tells_nobody(app, session, moved):
    owner, need, _people = moved
    with app.test_request_context():
        change = needs.change_need(session=session, actor=owner, need_id=need.id, data=NeedUpdate(title="Story hour"))
    assert change.told == [] and _notes(session, "need_changed") == []


def test_a_new_place_is_a_change_worth_telling(app, session, moved):
    owner, need, _people = moved
    with app.test_request_context():
        needs.update_need(session=session, actor=owner, need_id=need.id, data=NeedUpdate(site=None, remote=True))
    assert len(_notes(session, "need_changed")) == 3


def test_the_api_patch_tells_people_too(app, session, moved, client):
    owner, need, _people = moved
    headers = {"Authorization": f"Bearer {token_for(session, owner)}"}
    response = client.patch(f"/api/v1/needs/{need.id}", headers=headers,
                             json={"starts_at": _at(12, 20, 9).isoformat(), "ends_at": _at(12, 20, 12).isoformat()})
    assert response.status_code == 200, response.get_json()
    assert len(_notes(session, "need_changed")) == 3
    assert response.get_json()["people_told"] == 3


def test_the_edit_page_says_who_was_told_and_the_need_page_keeps_it(app, session, moved, client, auth):
    owner, need, _people = moved
    auth.login(owner.email, DEFAULT_PASSWORD)
    form = {"title": "Reading hour", "description": "Help needed.", "cause": "education", "beneficiary": "",
            "site": str(need.site_id), "starts_at": f"{YEAR}-12-20T09:00", "ends_at": f"{YEAR}-12-20T12:00",
            "seats": "3", "hours_per_volunteer": "4", "skills-0-name": "", "skills-0-importance": "must",
            "skills-0-min_level": "1", "submit": "1"}
    response = client.post(f"/needs/{need.id}/edit", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "People told (3): Ann, Bo, and Cy." in html and "Ann" in html and "Cy" in html
    again = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Who was told" in again and "Bo" in again


def test_cancelling_tells_with_the_time_and_place_and_says_who(app, session, moved):
    owner, need, (ann, bo, cy, gone) = moved
    with app.test_request_context():
        told = roster.cancel_need(session=session, actor=owner, need_id=need.id)
    assert sorted(told.told) == ["Ann", "Bo", "Cy"]
    mail = next(m for m in _mails(session, "cancelled") if m.to_address == ann.email)
    assert "19 Dec 2027, 09:00–12:00" in mail.body and "Harbour Library" in mail.body
    assert {n.need_id for n in _notes(session, "cancelled")} == {need.id}


def test_a_removed_volunteer_gets_an_e_mail_too(app, session, moved):
    owner, need, (ann, *_rest) = moved
    match = session.exec(select(Match).where(Match.user_id == ann.id)).one()
    with app.test_request_context():
        roster.remove_volunteer(session=session, actor=owner, match_id=match.id, reason="Too many helpers")
    [mail] = _mails(session, "removed")
    assert mail.to_address == ann.email and "Too many helpers" in mail.body and "19 Dec 2027, 09:00–12:00" in mail.body


# ----------------------------------------------------------------------------- fault 3: reminders
def test_a_moved_need_is_reminded_again_for_its_new_start(app, session):
    owner = make_user(session, role="coordinator")
    start = utcnow() + timedelta(hours=36)
    need = make_need(session, owner=owner, starts_at=start, ends_at=start + timedelta(hours=2), is_remote=True)
    make_match(session, need, make_user(session), status="confirmed")
    with app.test_request_context():
        assert notifications.send_reminders(session=session) == 1
        new_start = start + timedelta(days=10)
        needs.update_need(session=session, actor=owner, need_id=need.id,
                          data=NeedUpdate(starts_at=new_start, ends_at=new_start + timedelta(hours=2)))
        later = new_start - timedelta(hours=36)
        assert notifications.send_reminders(session=session, now=later) == 1
        assert notifications.send_reminders(session=session, now=later) == 0


def test_a_cancelled_need_gets_no_reminder(app, session):
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner, starts_at=utcnow() + timedelta(hours=20))
    make_match(session, need, make_user(session), status="confirmed")
    with app.test_request_context():
        roster.cancel_need(session=session, actor=owner, need_id=need.id)
        assert notifications.send_reminders(session=session) == 0


# ----------------------------------------------------------------------------- fault 4: calendar entries
def _events(text: str) -> list:
    return icalendar.Calendar.from_ical(text).walk("VEVENT")


def test_a_moved_need_keeps_its_uid_with_a_higher_sequence_and_the_new_time(app, session):
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner, starts_at=_at(12, 12, 9), ends_at=_at(12, 12, 11), is_remote=True)
    person = make_user(session)
    make_match(session, need, person, status="confirmed")
    with app.test_request_context():
        [before] = _events(calendar.commitments_calendar(session=session, user=person))
        needs.update_need(session=session, actor=owner, need_id=need.id,
                          data=NeedUpdate(starts_at=_at(12, 13, 14), ends_at=_at(12, 13, 16)))
        [after] = _events(calendar.commitments_calendar(session=session, user=person))
    assert after["UID"] == before["UID"]
    assert int(after.get("SEQUENCE", 0)) > int(before.get("SEQUENCE", 0))
    assert after.decoded("DTSTART") == _at(12, 13, 14)
    assert "DTSTAMP" in after and "LAST-MODIFIED" in after
    assert after["STATUS"] == "CONFIRMED"


def test_a_cancelled_need_or_a_withdrawal_stays_in_the_feed_as_cancelled(app, session):
    owner = make_user(session, role="coordinator")
    person = make_user(session)
    called_off = make_need(session, owner=owner, starts_at=_at(12, 12, 9), is_remote=True)
    left = make_need(session, owner=owner, starts_at=_at(12, 14, 9), requires_approval=False, is_remote=True)
    make_match(session, called_off, person, status="confirmed")
    with app.test_request_context():
        signups.volunteer(session=session, user=person, need_id=left.id)
        first = {e["SUMMARY"]: e for e in _events(calendar.commitments_calendar(session=session, user=person))}
        roster.cancel_need(session=session, actor=owner, need_id=called_off.id)
        match = session.exec(select(Match).where(Match.need_id == left.id)).one()
        signups.withdraw(session=session, user=person, match_id=match.id)
        events = {e["SUMMARY"]: e for e in _events(calendar.commitments_calendar(session=session, user=person))}
    assert set(events) == {called_off.title, left.title}
    for title, event in events.items():
        assert event["STATUS"] == "CANCELLED"
        assert int(event["SEQUENCE"]) > int(first[title].get("SEQUENCE", 0))


def test_the_calendar_escapes_and_folds_what_people_type(app, session):
    owner = make_user(session, role="coordinator")
    person = make_user(session)
    title = "Paint, plaster; and\nclean — 志愿服务" * 3
    need = make_need(session, owner=owner, title=title[:150])
    make_match(session, need, person, status="confirmed")
    with app.test_request_context():
        text = calendar.commitments_calendar(session=session, user=person)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    [event] = _events(text)
    assert str(event["SUMMARY"]) == title[:150]
    # Durations in RFC 5545 form (3.3.6), the refresh hint of calendar apps included.
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text and "X-PUBLISHED-TTL:PT1H\r\n" in text


def test_a_need_row_starts_at_sequence_zero(session):
    need = make_need(session)
    assert session.get(Need, need.id).sequence == 0


# ----------------------------------------------------------------------------- the subscription feed
def test_the_feed_link_works_without_a_session_and_a_reset_ends_the_old_one(app, session, client, auth):
    person = make_user(session)
    need = make_need(session, starts_at=_at(12, 12, 9), is_remote=True)
    make_match(session, need, person, status="confirmed")
    auth.login(person.email, DEFAULT_PASSWORD)
    page = client.post("/commitments/calendar-link").get_data(as_text=True)
    url = re.search(r'id="calendar-url" value="([^"]+)"', page).group(1)
    assert url.startswith("http://localhost/calendar/")  # the address the user reached the app by
    path = url.removeprefix("http://localhost")
    assert path.startswith("/calendar/") and path.endswith(".ics")
    auth.logout()
    feed = client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    [event] = _events(feed.get_data(as_text=True))
    assert event.decoded("DTSTART") == _at(12, 12, 9)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    stored = session.exec(select(CalendarFeed)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only a digest is kept
    auth.login(person.email, DEFAULT_PASSWORD)
    assert "Reset the calendar link" in client.get("/commitments").get_data(as_text=True)
    client.post("/commitments/calendar-link")
    auth.logout()
    assert client.get(path).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_turning_the_feed_link_off_ends_it(app, session, client, auth):
    person = make_user(session)
    auth.login(person.email, DEFAULT_PASSWORD)
    page = client.post("/commitments/calendar-link").get_data(as_text=True)
    path = re.search(r'id="calendar-url" value="[^"]*?(/calendar/[^"]+)"', page).group(1)
    assert client.get(path).status_code == 200
    client.post("/commitments/calendar-link/revoke")
    assert client.get(path).status_code == 404


def test_the_feed_is_rate_limited(app, session, client, auth):
    app.config["CALENDAR_FEED_LIMITS"] = "3 per minute"
    statuses = [client.get("/calendar/unknown.ics").status_code for _ in range(5)]
    assert statuses[:3] == [404, 404, 404] and statuses[3:] == [429, 429]


def test_the_download_and_the_api_name_the_same_entries_whatever_the_host(app, session, client, auth):
    person = make_user(session)
    make_match(session, make_need(session, is_remote=True), person, status="confirmed")
    auth.login(person.email, DEFAULT_PASSWORD)
    one = _events(client.get("/commitments.ics").get_data(as_text=True))  # the test client's host: localhost
    headers = {"Authorization": f"Bearer {token_for(session, person)}"}
    two = _events(client.get("/api/v1/me/commitments.ics", headers=headers).get_data(as_text=True))
    assert one[0]["UID"] == two[0]["UID"] == f"match-{one[0]['UID'].split('-')[1].split('@')[0]}@127.0.0.1"


def test_a_closed_need_still_reminds_its_confirmed_volunteers(app, session):
    """Closing stops new sign-ups; the need still takes place with the people it has."""
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner, starts_at=utcnow() + timedelta(hours=20), is_remote=True)
    make_match(session, need, make_user(session), status="confirmed")
    with app.test_request_context():
        needs.close_need(session=session, actor=owner, need_id=need.id)
        assert notifications.send_reminders(session=session) == 1


def test_the_api_cancel_says_how_many_were_told(app, session, moved, client):
    owner, need, _people = moved
    headers = {"Authorization": f"Bearer {token_for(session, owner)}"}
    response = client.post(f"/api/v1/needs/{need.id}/cancel", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["people_told"] == 3 and response.get_json()["sequence"] == 1


def test_a_deactivated_accounts_feed_answers_404(app, session, client):
    person = make_user(session)
    token = calendar.reset_feed_token(session=session, user=person)
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    person.active = False
    session.add(person)
    session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


# ----------------------------------------------------------------------------- a sibling: a move that makes a clash
def test_moving_a_need_onto_another_commitment_names_who_now_clashes(app, session, moved, client, auth):
    owner, need, (ann, bo, _cy, _gone) = moved
    other = make_need(session, owner=owner, title="Story time", starts_at=_at(12, 20, 10), ends_at=_at(12, 20, 11))
    make_match(session, other, ann, status="confirmed")
    auth.login(owner.email, DEFAULT_PASSWORD)
    form = {"title": "Reading hour", "description": "Help needed.", "cause": "education", "beneficiary": "",
            "site": str(need.site_id), "starts_at": f"{YEAR}-12-20T09:00", "ends_at": f"{YEAR}-12-20T12:00",
            "seats": "3", "hours_per_volunteer": "4", "skills-0-name": "", "skills-0-importance": "must",
            "skills-0-min_level": "1", "submit": "1"}
    html = client.post(f"/needs/{need.id}/edit", data=form, follow_redirects=True).get_data(as_text=True)
    assert "At the new time these people are also committed to another need: Ann. They and" in html

    headers = {"Authorization": f"Bearer {token_for(session, owner)}"}
    response = client.patch(f"/api/v1/needs/{need.id}", headers=headers,
                            json={"starts_at": _at(12, 20, 10).isoformat(), "ends_at": _at(12, 20, 13).isoformat()})
    assert response.status_code == 200 and response.get_json()["people_clashing"] == ["Ann"]
    response = client.patch(f"/api/v1/needs/{need.id}", headers=headers,
                            json={"starts_at": _at(12, 21, 9).isoformat(), "ends_at": _at(12, 21, 12).isoformat()})
    assert response.get_json()["people_clashing"] == []


def test_a_move_that_makes_a_clash_tells_the_person_and_the_other_coordinator(app, session, moved, client, auth):
    owner, need, (ann, _bo, _cy, _gone) = moved
    elsewhere = make_user(session, role="coordinator", display_name="Dee")
    other = make_need(session, owner=elsewhere, title="Story time", starts_at=_at(12, 20, 10),
                      ends_at=_at(12, 20, 11))
    make_match(session, other, ann, status="confirmed")
    headers = {"Authorization": f"Bearer {token_for(session, owner)}"}
    response = client.patch(f"/api/v1/needs/{need.id}", headers=headers,
                            json={"starts_at": _at(12, 20, 9).isoformat(), "ends_at": _at(12, 20, 12).isoformat()})
    assert response.status_code == 200
    session.expire_all()
    (note,) = _notes(session, "clash")
    assert note.user_id == ann.id and note.params == {"need": "Reading hour", "other": "Story time"}
    assert len(_mails(session, "clash")) == 1
    (told,) = _notes(session, "clash_elsewhere")
    assert told.user_id == elsewhere.id and told.params["name"] == "Ann" and told.link == f"/needs/{other.id}/people"
    auth.login(ann.email, DEFAULT_PASSWORD)
    page = client.get("/commitments").text
    assert "This overlaps “Story time”" in page and "This overlaps “Reading hour”" in page
    assert page.count("/withdraw") >= 2  # each of the two can be given back from here


def test_the_commitments_page_flags_a_clash_made_before_the_rule(app, session, client, auth):
    owner = make_user(session, role="coordinator")
    person = make_user(session)
    first = make_need(session, owner=owner, title="Beach clean-up", starts_at=_at(12, 22, 9), ends_at=_at(12, 22, 12))
    second = make_need(session, owner=owner, title="Food bank", starts_at=_at(12, 22, 11), ends_at=_at(12, 22, 14))
    make_match(session, first, person, status="confirmed")
    match = make_match(session, second, person, status="volunteered")
    auth.login(person.email, DEFAULT_PASSWORD)
    page = client.get("/commitments").text
    assert "This overlaps “Beach clean-up”" in page and "This overlaps “Food bank”" in page
    assert client.post(f"/commitments/{match.id}/withdraw").status_code == 302
    assert "This overlaps" not in client.get("/commitments").text



@pytest.mark.parametrize("action", ["move", "cancel"])
def test_someone_only_invited_is_not_told_they_signed_up(app, session, moved, action):
    # A reviewer's finding: the invited person got "A need you signed up for has changed", which told them
    # to withdraw on their commitments page.
    owner, need, (ann, bo, cy, gone) = moved
    with app.test_request_context():
        if action == "move":
            needs.change_need(session=session, actor=owner, need_id=need.id,
                              data=NeedUpdate(starts_at=_at(12, 20, 9), ends_at=_at(12, 20, 12)))
        else:
            roster.cancel_need(session=session, actor=owner, need_id=need.id)
    kind = "need_changed" if action == "move" else "cancelled"
    mails = {m.to_address: m for m in _mails(session, kind)}
    invited, confirmed = mails[cy.email], mails[ann.email]
    assert "invited to" in invited.subject and "signed up" not in invited.subject
    assert "signed up for" in confirmed.subject
    if action == "move":
        assert "accept the invitation" in invited.body and "withdraw" not in invited.body
        assert "withdraw on your commitments page" in confirmed.body
