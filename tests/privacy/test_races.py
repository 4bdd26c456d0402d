"""Deleting an account, and consent choices, at the same moment as other changes (see tests/races.py)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from empathy.models import Consent, Match, Need, User
from empathy.privacy import account_data
from empathy.privacy.services import set_consents
from empathy.volunteering.lifecycle import HOLDS_SEAT
from empathy.volunteering.services import signups
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_user
from tests.races import PAIRS, as_user, race


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    # Races, not hashing, are tested here: scrypt would spend most of the time on a busy machine.
    from empathy.accounts.services import passwords

    monkeypatch.setattr(passwords, "HASH_METHOD", "pbkdf2:sha256:1000")


def _delete(s, u):
    return account_data.delete_account(session=s, user=u, password=DEFAULT_PASSWORD)


@pytest.mark.parametrize("status, act", [
    ("invited", lambda s, u, m: signups.accept_invitation(session=s, user=u, match_id=m)),
    ("confirmed", lambda s, u, m: signups.withdraw(session=s, user=u, match_id=m)),
], ids=["accept", "withdraw"])
def test_deleting_an_account_while_it_takes_or_gives_back_a_seat_keeps_the_count(session, status, act):
    owner = make_user(session, password=None, role="coordinator")
    other = make_user(session, password=None)
    for _ in range(PAIRS):
        person = make_user(session)
        need = make_need(session, owner=owner, seats=3, seats_taken=1 + (status == "confirmed"))
        make_match(session, need, other, status="confirmed")
        match = make_match(session, need, person, status=status)
        outcomes = race(session, as_user(person.id, _delete),
                        as_user(person.id, lambda s, u, m=match.id: act(s, u, m)))
        assert outcomes[0] == "ok" and outcomes[1] in ("ok", "Conflict", "NotFound", "Forbidden"), outcomes
        assert session.get(User, person.id) is None
        holding = session.exec(select(func.count()).select_from(Match).where(
            Match.need_id == need.id, Match.status.in_(HOLDS_SEAT))).one()
        assert session.get(Need, need.id).seats_taken == holding == 1, outcomes


def test_the_last_two_administrators_deleting_their_accounts_at_once_leave_one(session):
    for _ in range(PAIRS):
        for admin in session.exec(select(User).where(User.role == "admin")).all():
            admin.role = "employee"  # the survivor of the last pair steps down: two new ones are the last
            session.add(admin)
        session.commit()
        admins = [make_user(session, role="admin") for _ in range(2)]
        outcomes = race(session, *(as_user(a.id, _delete) for a in admins))
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes
        assert session.exec(select(func.count()).select_from(User).where(User.role == "admin")).one() == 1


def test_the_same_consent_choice_sent_twice_at_once_is_recorded_once(session):
    for _ in range(PAIRS):
        person = make_user(session, password=None)
        outcomes = race(session, *(
            as_user(person.id, lambda s, u: set_consents(session=s, user=u, choices={"suggestible": False}))
            for _ in range(2)))
        assert outcomes == ["ok", "ok"]
        assert session.exec(select(func.count()).select_from(Consent).where(Consent.user_id == person.id)).one() == 1
