"""One account changed twice at the same moment: links, tokens, passwords, two-factor (see tests/races.py)."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlmodel import Session, func, select

from empathy.accounts.services import auth, password_reset, tokens, two_factor
from empathy.accounts.services.password_links import make_token
from empathy.accounts.services.passwords import verify_password
from empathy.core.crypto import KeyRing
from empathy.core.errors import Conflict
from empathy.models import ApiToken, AuditEntry, OutboxMessage, TwoFactor, User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.races import PAIRS, as_user, race

SECRET = "test-secret-key"
KEY = "a two-factor key of the race tests, 32 characters or more"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    # Races, not hashing, are tested here: scrypt would spend most of the time on a busy machine.
    from empathy.accounts.services import passwords

    monkeypatch.setattr(passwords, "HASH_METHOD", "pbkdf2:sha256:1000")


def _count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_a_reset_link_used_twice_at_once_sets_one_password(session):
    for i in range(PAIRS):
        user = make_user(session)
        link = make_token(password_reset.LINK, user, secret_key=SECRET)
        chosen = [f"first new passphrase {i}", f"second new passphrase {i}"]
        outcomes = race(session, *(
            as_user(user.id, lambda s, u, p=p, t=link: password_reset.reset_password(
                session=s, token=t, password=p, secret_key=SECRET))
            for p in chosen))
        assert sorted(outcomes) == ["ServiceError", "ok"], outcomes
        stored = session.get(User, user.id)
        assert verify_password(stored.password_hash, chosen[outcomes.index("ok")])
        assert _count(session, AuditEntry, AuditEntry.action == "password_reset", AuditEntry.target_id == user.id) == 1


def test_two_password_changes_from_the_same_password_at_once_are_one(session):
    for i in range(PAIRS):
        user = make_user(session)
        chosen = [f"first new passphrase {i}", f"second new passphrase {i}"]
        outcomes = race(session, *(
            as_user(user.id, lambda s, u, p=p: auth.change_password(session=s, user=u, current=DEFAULT_PASSWORD,
                                                                    new=p))
            for p in chosen))
        assert sorted(outcomes) == ["ServiceError", "ok"], outcomes
        assert verify_password(session.get(User, user.id).password_hash, chosen[outcomes.index("ok")])


def test_the_same_token_revoked_twice_at_once_is_revoked_once(session):
    user = make_user(session, password=None)
    for _ in range(PAIRS):
        row, _secret = tokens.create_token(session=session, user=user, name="script", secret_key=SECRET)
        outcomes = race(session, *(
            as_user(user.id, lambda s, u, t=row.id: tokens.revoke_token(session=s, user=u, token_id=t))
            for _ in range(2)))
        assert sorted(outcomes) == ["NotFound", "ok"], outcomes


def test_two_tokens_made_at_once_stay_within_the_limit(session):
    for _ in range(PAIRS):
        user = make_user(session, password=None)
        session.add_all(ApiToken(user_id=user.id, name=f"t{n}", token_hash=f"{user.id}-{n}", password_mark="")
                        for n in range(tokens.MAX_TOKENS - 1))
        session.commit()
        outcomes = race(session, *(
            as_user(user.id, lambda s, u: tokens.create_token(session=s, user=u, name="one more", secret_key=SECRET))
            for _ in range(2)))
        assert sorted(outcomes) == ["ServiceError", "ok"], outcomes
        assert _count(session, ApiToken, ApiToken.user_id == user.id) == tokens.MAX_TOKENS


def test_turning_two_factor_off_while_an_administrator_resets_it_is_done_once(session):
    keys = KeyRing([KEY])
    admin = make_user(session, password=None, role="admin")
    secret = pyotp.random_base32(32)
    for _ in range(PAIRS):
        user = make_user(session)
        session.add(TwoFactor(user_id=user.id, sealed_secret=keys.seal(secret), last_step=0, recovery_hashes=[]))
        session.commit()
        now = time.time()
        outcomes = race(
            session,
            as_user(user.id, lambda s, u, at=now: two_factor.disable(session=s, user=u, password=DEFAULT_PASSWORD,
                                                                     code=pyotp.TOTP(secret).at(at), keys=keys,
                                                                     now=at)),
            as_user(admin.id, lambda s, u, p=user.id: two_factor.reset_by_admin(session=s, actor=u, user_id=p)),
        )
        assert outcomes.count("ok") == 1, outcomes
        assert set(outcomes) <= {"ok", "Conflict", "ServiceError"}, outcomes
        entries = _count(session, AuditEntry, AuditEntry.target_id == user.id,
                         AuditEntry.action.in_(["two_factor_disabled", "two_factor_reset"]))
        assert entries == 1
        assert _count(session, OutboxMessage, OutboxMessage.to_address == user.email,
                      OutboxMessage.kind == "two_factor") == 1


def test_a_reset_between_the_code_check_and_the_delete_refuses_the_turning_off(session, monkeypatch):
    keys = KeyRing([KEY])
    # The parallel race above rarely lands here (the password check takes longer than a reset):
    # an administrator's reset is run right after the user's code was accepted, before the delete.
    admin = make_user(session, password=None, role="admin")
    user = make_user(session)
    secret = pyotp.random_base32(32)
    session.add(TwoFactor(user_id=user.id, sealed_secret=keys.seal(secret), last_step=0, recovery_hashes=[]))
    session.commit()
    checked = two_factor.verify

    def check_then_reset(**kwargs):
        ok = checked(**kwargs)
        with Session(session.get_bind(), expire_on_commit=False) as other:
            two_factor.reset_by_admin(session=other, actor=other.get(User, admin.id), user_id=user.id)
        return ok

    monkeypatch.setattr(two_factor, "verify", check_then_reset)
    now = time.time()
    with Session(session.get_bind(), expire_on_commit=False) as own, pytest.raises(Conflict):
        two_factor.disable(session=own, user=own.get(User, user.id), password=DEFAULT_PASSWORD,
                           code=pyotp.TOTP(secret).at(now), keys=keys, now=now)
    session.commit()
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.target_id == user.id)).all()
    assert actions == ["two_factor_reset"]
    notices = _count(session, OutboxMessage, OutboxMessage.to_address == user.email, OutboxMessage.kind == "two_factor")
    assert notices == 1


def test_two_accounts_with_one_address_at_once_are_one_and_a_refusal(session):
    for i in range(PAIRS):
        outcomes = race(session, *(
            lambda s, n=n, email=f"twice{i}@example.com": lambda: auth.create_user(
                session=s, email=email, display_name=f"Twice {n}", password=None)
            for n in range(2)))
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes
        assert _count(session, User, User.email == f"twice{i}@example.com") == 1
