"""Two-factor secrets are sealed with keys kept out of the database; a lost key is said, never silent; keys rotate."""

from __future__ import annotations

import logging
import stat
import time

import pyotp
import pytest
from sqlmodel import Session, select

from empathy import create_app
from empathy.accounts.services import two_factor, two_factor_keys
from empathy.core import schema
from empathy.core.crypto import KeyMismatch, KeyRing, KeyRingError, new_key
from empathy.core.db import get_engine
from empathy.core.errors import ServiceError
from empathy.models import TwoFactor, User
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "li.na@example.com"
UNAVAILABLE = "the server&#39;s key for it is missing or wrong. Tell an administrator."


@pytest.fixture
def keys(app):
    return KeyRing.for_totp(app.config, app.instance_path)


def _enable(session, user, keys) -> tuple[str, list[str]]:
    """Two-factor sign-in on for `user` through the service; returns the secret and the recovery codes."""
    secret = two_factor.new_secret()
    now = time.time()
    codes = two_factor.enable(session=session, user=user, secret=secret, code=pyotp.TOTP(secret).at(now - 30),
                              keys=keys, now=now)
    return secret, codes


def _sealed(session, user) -> str:
    session.expire_all()
    return session.exec(select(TwoFactor.sealed_secret).where(TwoFactor.user_id == user.id)).one()


def _code_step(client, secret: str | None = None, code: str | None = None):
    client.post("/login", data={"email": EMAIL, "password": DEFAULT_PASSWORD})
    return client.post("/login/code", data={"code": code or pyotp.TOTP(secret).at(time.time() + 30)},
                       follow_redirects=True)


def test_the_first_setup_makes_a_key_file_only_its_owner_can_read(app, session, keys):
    assert not keys.path.exists()  # creating the app makes no key
    user = make_user(session, email=EMAIL)
    secret, _codes = _enable(session, user, keys)
    assert stat.S_IMODE(keys.path.stat().st_mode) == 0o600
    assert len(keys.keys()) == 1
    sealed = _sealed(session, user)
    assert secret not in sealed and keys.open(sealed) == secret
    # Sealed with a key derived from the file, not from anything in the database or the app's SECRET_KEY.
    with pytest.raises(KeyMismatch):
        KeyRing([app.config["SECRET_KEY"] * 4]).open(sealed)


def test_a_lost_key_is_told_to_the_user_and_the_log_and_a_recovery_code_still_works(client, session, keys, caplog):
    user = make_user(session, email=EMAIL)
    secret, codes = _enable(session, user, keys)
    keys.path.unlink()
    with caplog.at_level(logging.ERROR, logger="empathy.accounts.services.two_factor"):
        page = _code_step(client, secret).text
    assert UNAVAILABLE in page
    assert client.get("/home").status_code == 302  # not signed in
    assert any("There is no key in" in r.getMessage() and "totp-key" in r.getMessage() for r in caplog.records)
    # Someone else turning two-factor on must not make a new key that would hide the lost one.
    other = make_user(session, email="other@example.com")
    with pytest.raises(two_factor.KeyUnavailable):
        _enable(session, other, keys)
    assert not keys.path.exists()
    # Recovery codes need no key: the user gets in (and the log still tells the administrator).
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="empathy.accounts.services.two_factor"):
        assert _code_step(client, code=codes[0]).request.path == "/home"
    assert client.get("/home").status_code == 200
    assert caplog.records


def test_a_replaced_key_is_said_too_also_through_the_api(client, session, keys):
    user = make_user(session, email=EMAIL)
    secret, _codes = _enable(session, user, keys)
    keys.path.write_text(new_key() + "\n")
    assert UNAVAILABLE in _code_step(client, secret).text
    answer = client.post("/api/v1/auth/token", json={"email": EMAIL, "password": DEFAULT_PASSWORD,
                                                      "otp": pyotp.TOTP(secret).at(time.time() + 30)})
    assert answer.status_code == 401 and "Tell an administrator" in answer.get_json()["detail"]


def test_rotating_seals_every_secret_with_a_new_key_and_drops_the_old(session, keys):
    user = make_user(session, email=EMAIL)
    secret, _codes = _enable(session, user, keys)
    old_key, old_sealed = keys.keys()[0], _sealed(session, user)
    done = two_factor_keys.rotate_key(session=session, keys=keys)
    assert (done.resealed, done.dropped) == (1, 1)
    assert len(keys.keys()) == 1 and keys.keys()[0] != old_key
    assert stat.S_IMODE(keys.path.stat().st_mode) == 0o600
    sealed = _sealed(session, user)
    assert sealed != old_sealed and keys.opens_with_newest(sealed)
    with pytest.raises(KeyMismatch):
        KeyRing([old_key]).open(sealed)  # the old key no longer opens anything stored
    now = time.time()
    assert two_factor.verify(session=session, user=session.get(User, user.id), code=pyotp.TOTP(secret).at(now),
                             keys=keys, now=now)


def test_rotating_can_keep_the_old_key_for_older_backups(session, keys):
    user = make_user(session, email=EMAIL)
    _enable(session, user, keys)
    old_key = keys.keys()[0]
    two_factor_keys.rotate_key(session=session, keys=keys, keep_old=True)
    assert keys.keys()[1:] == [old_key] and keys.opens_with_newest(_sealed(session, user))


def test_configured_keys_rotate_by_putting_the_new_one_first(session):
    first, second = new_key(), new_key()
    user = make_user(session, email=EMAIL)
    secret, _codes = _enable(session, user, KeyRing([first]))
    status = two_factor_keys.key_status(session=session, keys=KeyRing([second, first]))
    assert (status.users, status.newest, status.older, status.ok) == (1, 0, 1, True)
    done = two_factor_keys.rotate_key(session=session, keys=KeyRing([second, first]))
    assert done.resealed == 1 and KeyRing([second]).open(_sealed(session, user)) == secret
    with pytest.raises(KeyRingError, match="TOTP_KEYS"):
        KeyRing([second]).add_key()  # configuration is the administrator's to change


def test_rotating_refuses_and_changes_nothing_when_a_secret_opens_with_no_key(session, keys):
    user = make_user(session, email=EMAIL)
    _enable(session, user, keys)
    keys.path.write_text(new_key() + "\n")
    before = (keys.path.read_text(), _sealed(session, user))
    with pytest.raises(ServiceError, match=f"users {user.id}"):
        two_factor_keys.rotate_key(session=session, keys=keys)
    assert (keys.path.read_text(), _sealed(session, user)) == before


def test_keys_shorter_than_32_characters_are_refused():
    with pytest.raises(KeyRingError, match="shorter than 32"):
        KeyRing(["too short"]).seal("x")


# ----------------------------------------------------------------------------- the commands
@pytest.fixture
def migrated(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "SECRET_KEY": "k",
                      "TOTP_KEY_FILE": str(tmp_path / "totp-key")})
    schema.upgrade(app)
    yield app
    get_engine(app).dispose()


def test_the_commands_say_what_they_do(migrated):
    runner = migrated.test_cli_runner()
    group = runner.invoke(args=["totp", "--help"]).output
    assert "status" in group and "rotate-key" in group and "Back them up apart from the database" in group
    rotate = runner.invoke(args=["totp", "rotate-key", "--help"]).output
    assert "--keep-old" in rotate and "TOTP_KEYS" in rotate and "drop the old keys" in rotate


def test_status_and_rotate_key_from_the_command_line(migrated, tmp_path):
    runner = migrated.test_cli_runner()
    keys = KeyRing.for_totp(migrated.config, migrated.instance_path)
    with Session(get_engine(migrated), expire_on_commit=False) as session:
        _enable(session, make_user(session, email=EMAIL), keys)
    status = runner.invoke(args=["totp", "status"])
    assert status.exit_code == 0, status.output
    assert "Users with two-factor sign-in: 1; sealed with the newest key: 1" in status.output
    rotated = runner.invoke(args=["totp", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    assert "Re-sealed 1 two-factor secret with the newest key" in rotated.output and "Back up" in rotated.output
    keys.path.unlink()
    lost = runner.invoke(args=["totp", "status"])
    assert lost.exit_code == 1 and "There is no key in" in lost.output and "reset" in lost.output
    assert "Users with two-factor sign-in: 1" in lost.output
