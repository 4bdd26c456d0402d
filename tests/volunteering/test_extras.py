"""Notifications and reminders, credentials for sensitive work, the team builder, the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.core.errors import Conflict, Forbidden, ServiceError
from empathy.models import Match, Notification, OutboxMessage
from empathy.profiles import credentials
from empathy.volunteering.services import calendar, notifications, roster, signups
from empathy.volunteering.services.teams import TeamCandidate, propose_team
from tests.factories import make_match, make_need, make_user


def test_reminders_go_once_to_confirmed_volunteers_of_needs_starting_within_two_days(app, session):
    soon = make_need(session, starts_at=utcnow() + timedelta(hours=30))
    later = make_need(session, starts_at=utcnow() + timedelta(days=5))
    a, b, c = make_user(session), make_user(session), make_user(session)
    make_match(session, soon, a, status="confirmed")
    make_match(session, soon, b, status="invited")
    make_match(session, later, c, status="confirmed")
    with app.app_context():
        assert notifications.send_reminders(session=session) == 1
        assert notifications.send_reminders(session=session) == 0
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.kind.like("reminder:%"))).all()
    assert [m.to_address for m in mails] == [a.email]


def test_send_reminders_command_prints_the_count(app, session, runner, monkeypatch):
    need = make_need(session, starts_at=utcnow() + timedelta(hours=5))
    make_match(session, need, make_user(session), status="confirmed")
    monkeypatch.setattr("empathy.cli._require_migrated", lambda: None)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 reminder sent." in result.output  # one reminder, in the singular (ngettext)
    assert "0 reminders sent." in runner.invoke(args=["send-reminders"]).output


def test_notifications_are_counted_and_marked_read_only_by_their_reader(app, session):
    person, other = make_user(session), make_user(session)
    with app.app_context():
        notifications.notify(session, person, "withdrawn", {"name": "X", "need": "Y"})
        notifications.notify(session, person, "withdrawn", {"name": "X", "need": "Z"})
        session.commit()
        assert notifications.unread_count(session=session, user=person) == 2
        note = session.exec(select(Notification)).first()
        with pytest.raises(Forbidden):
            notifications.mark_read(session=session, user=other, notification_id=note.id)
        notifications.mark_read(session=session, user=person, notification_id=note.id)
        assert notifications.unread_count(session=session, user=person) == 1
        notifications.mark_read(session=session, user=person)
        assert notifications.unread_count(session=session, user=person) == 0
        assert notifications.render("withdrawn", {"name": "X", "need": "Y"}) == "X withdrew from “Y”."


@pytest.fixture
def sensitive(session):
    admin = make_user(session, role="admin")
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner, seats=2)
    credentials.set_required_kinds(session=session, actor=owner, need_id=need.id, kinds=["background_check"])
    return admin, owner, need


def test_a_need_with_required_credentials_refuses_those_without_a_verified_valid_one(session, sensitive):
    admin, owner, need = sensitive
    person = make_user(session)
    with pytest.raises(Conflict, match="Background check"):
        signups.volunteer(session=session, user=person, need_id=need.id)
    cred = credentials.record_credential(session=session, user=person, kind="background_check",
                                         expires_on=date.today() + timedelta(days=100))
    with pytest.raises(Conflict, match="verified"):
        signups.volunteer(session=session, user=person, need_id=need.id)
    with pytest.raises(Forbidden):
        credentials.verify_credential(session=session, actor=owner, credential_id=cred.id)
    credentials.verify_credential(session=session, actor=admin, credential_id=cred.id)
    assert signups.volunteer(session=session, user=person, need_id=need.id).status == "confirmed"


def test_an_expired_credential_does_not_count(session, sensitive):
    admin, _owner, need = sensitive
    person = make_user(session)
    cred = credentials.record_credential(session=session, user=person, kind="background_check",
                                         expires_on=date.today() + timedelta(days=1))
    credentials.verify_credential(session=session, actor=admin, credential_id=cred.id)
    held = credentials.valid_kinds(session, [person.id], today=date.today() + timedelta(days=2))
    assert held[person.id] == set()
    with pytest.raises(ServiceError, match="expired"):
        credentials.record_credential(session=session, user=person, kind="first_aid",
                                      expires_on=date.today() - timedelta(days=1))


def test_approval_checks_credentials_too(session, sensitive):
    _admin, owner, need = sensitive
    person = make_user(session)
    match = make_match(session, need, person, status="volunteered")
    with pytest.raises(Conflict):
        roster.approve_volunteer(session=session, actor=owner, match_id=match.id)
    assert session.get(Match, match.id, populate_existing=True).status == "volunteered"


def _c(i, score, skills, free=20.0, recent=0):
    return TeamCandidate(id=i, score=score, skills=frozenset(skills), free_hours=free, recent=recent)


def test_the_team_covers_every_must_have_skill_rather_than_taking_the_top_scores():
    people = [_c(1, .9, {"nursing"}), _c(2, .85, {"nursing"}), _c(3, .5, {"cooking"}),
              _c(4, .4, {"driving", "cooking"})]
    team = propose_team(people, ["nursing", "cooking", "driving"], seats=2, hours_needed=4)
    assert sorted(m.id for m in team.members) == [1, 4]
    assert team.uncovered == []
    assert team.coverage == {"nursing": [1], "cooking": [4], "driving": [4]}


def test_the_team_skips_the_overloaded_and_prefers_the_less_busy_at_equal_fit():
    people = [_c(1, .9, {"nursing"}, free=2), _c(2, .6, {"nursing"}, recent=3), _c(3, .6, {"nursing"}, recent=0)]
    team = propose_team(people, ["nursing", "sign language"], seats=1, hours_needed=4)
    assert [m.id for m in team.members] == [3]
    assert team.uncovered == ["sign language"]
    assert team.skipped_busy == [1]


def test_free_seats_go_to_the_best_remaining_scores():
    people = [_c(1, .3, {"a"}), _c(2, .9, set()), _c(3, .8, set())]
    assert [m.id for m in propose_team(people, ["a"], seats=3, hours_needed=1).members] == [1, 2, 3]


def test_the_calendar_is_valid_rfc5545(session):
    person = make_user(session)
    need = make_need(session, title="Tutoring, maths; and reading " + "x" * 80)
    make_match(session, need, person, status="confirmed")
    cancelled = make_need(session, status="cancelled")
    make_match(session, cancelled, person, status="confirmed")
    text = calendar.commitments_calendar(session=session, user=person)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert text.count("BEGIN:VEVENT") == 2  # the cancelled need stays, marked cancelled
    assert text.count("STATUS:CANCELLED") == 1 and text.count("STATUS:CONFIRMED") == 1
    assert "SUMMARY:Tutoring\\, maths\\; and reading" in unfolded
    assert f"DTSTART:{need.starts_at.strftime('%Y%m%dT%H%M%SZ')}" in unfolded
    for prop in ("UID:", "DTSTAMP:", "DTEND:", "LOCATION:"):
        assert "\r\n" + prop in unfolded


def test_folding_never_splits_a_chinese_character(session):
    person = make_user(session)
    make_match(session, make_need(session, title="志愿服务" * 30), person, status="confirmed")
    text = calendar.commitments_calendar(session=session, user=person)
    assert all(len(part.encode()) <= 75 for part in text.split("\r\n"))  # a split character would not decode
    assert "SUMMARY:" + "志愿服务" * 30 in text.replace("\r\n ", "")
