"""Seats hold: never more confirmed volunteers than seats, even when many accept at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from empathy.core.db import get_engine, utcnow
from empathy.core.errors import Conflict, ServiceError
from empathy.models import Match, Need, User
from empathy.volunteering.services import signups
from tests.factories import make_match, make_need, make_user


def _accept_all(app, match_ids):
    engine = get_engine(app)
    results: dict[int, str] = {}
    barrier = threading.Barrier(len(match_ids))

    def run(match_id):
        with Session(engine, expire_on_commit=False) as s:
            match = s.get(Match, match_id)
            user = s.get(User, match.user_id)
            s.commit()
            barrier.wait()
            try:
                signups.accept_invitation(session=s, user=user, match_id=match_id)
                results[match_id] = "ok"
            except ServiceError as exc:
                results[match_id] = type(exc).__name__
            except Exception as exc:  # recorded so the assertion names it
                results[match_id] = repr(exc)

    threads = [threading.Thread(target=run, args=(m,)) for m in match_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_forty_simultaneous_accepts_fill_exactly_five_seats(app, session):
    need = make_need(session, seats=5)
    people = [make_user(session) for _ in range(40)]
    match_ids = [make_match(session, need, p, status="invited").id for p in people]

    results = _accept_all(app, match_ids)

    assert sorted(results.values()).count("ok") == 5
    assert set(results.values()) == {"ok", "Conflict"}, results
    session.expire_all()
    stored = session.get(Need, need.id)
    assert stored.seats_taken == 5
    assert stored.status == "filled"
    confirmed = session.exec(select(Match).where(Match.need_id == need.id, Match.status == "confirmed")).all()
    assert len(confirmed) == 5
    assert len(session.exec(select(Match).where(Match.status == "invited")).all()) == 35


def test_volunteering_confirms_at_once_and_fills_the_need(session):
    need = make_need(session, seats=1)
    first, second = make_user(session), make_user(session)
    match = signups.volunteer(session=session, user=first, need_id=need.id)
    assert match.status == "confirmed"
    session.refresh(need)
    assert (need.seats_taken, need.status) == (1, "filled")
    with pytest.raises(Conflict, match="seat"):
        signups.volunteer(session=session, user=second, need_id=need.id)
    session.refresh(need)
    assert need.seats_taken == 1
    assert session.exec(select(Match).where(Match.user_id == second.id)).first() is None


def test_withdrawing_frees_the_seat_and_reopens_the_need(session):
    need = make_need(session, seats=1)
    person = make_user(session)
    match = signups.volunteer(session=session, user=person, need_id=need.id)
    signups.withdraw(session=session, user=person, match_id=match.id)
    session.refresh(need)
    assert (need.seats_taken, need.status) == (0, "open")
    assert session.get(Match, match.id).status == "withdrawn"
    # Changing one's mind again is allowed while seats remain.
    assert signups.volunteer(session=session, user=person, need_id=need.id).status == "confirmed"


def test_a_need_that_requires_approval_takes_no_seat_on_volunteering(session):
    need = make_need(session, seats=2, requires_approval=True)
    person = make_user(session)
    match = signups.volunteer(session=session, user=person, need_id=need.id, message="I am a nurse")
    assert match.status == "volunteered"
    session.refresh(need)
    assert need.seats_taken == 0


def test_signing_up_twice_is_refused(session):
    need = make_need(session)
    person = make_user(session)
    signups.volunteer(session=session, user=person, need_id=need.id)
    with pytest.raises(Conflict, match="already signed up"):
        signups.volunteer(session=session, user=person, need_id=need.id)
    session.refresh(need)
    assert need.seats_taken == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"status": "closed"}, "not open"),
        ({"status": "draft"}, "not open"),
        ({"starts_at": utcnow() - timedelta(hours=1)}, "already started"),
    ],
)
def test_accepting_a_need_that_cannot_take_volunteers_changes_nothing(session, overrides, message):
    need = make_need(session, **overrides)
    person = make_user(session)
    match = make_match(session, need, person)
    with pytest.raises(Conflict, match=message):
        signups.accept_invitation(session=session, user=person, match_id=match.id)
    session.expire_all()
    assert session.get(Match, match.id).status == "invited"
    assert session.get(Need, need.id).seats_taken == 0


def test_accepting_a_filled_need_is_refused(session):
    need = make_need(session, seats=1)
    signups.volunteer(session=session, user=make_user(session), need_id=need.id)
    person = make_user(session)
    match = make_match(session, need, person)
    with pytest.raises(Conflict, match="seat"):
        signups.accept_invitation(session=session, user=person, match_id=match.id)
    assert session.get(Match, match.id, populate_existing=True).status == "invited"


def test_no_one_acts_on_another_employees_match(session):
    need = make_need(session)
    owner_of_match, intruder = make_user(session), make_user(session)
    match = make_match(session, need, owner_of_match)
    for action in (signups.accept_invitation, signups.decline_invitation, signups.withdraw):
        with pytest.raises(ServiceError) as info:
            action(session=session, user=intruder, match_id=match.id)
        assert info.value.status == 403
    assert session.get(Match, match.id, populate_existing=True).status == "invited"


def test_declining_then_accepting_is_refused(session):
    need = make_need(session)
    person = make_user(session)
    match = make_match(session, need, person)
    signups.decline_invitation(session=session, user=person, match_id=match.id)
    with pytest.raises(Conflict, match="no open invitation"):
        signups.accept_invitation(session=session, user=person, match_id=match.id)
