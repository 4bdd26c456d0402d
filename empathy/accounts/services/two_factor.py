"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

Setting up takes two steps: a new secret is shown (as a QR code and as text) and kept only in the
browser's signed session until the user proves their app has it by typing a code; only then is
the row written and are recovery codes made, shown once. A code is accepted once: the time step
it belongs to is remembered, so a code seen over someone's shoulder cannot be replayed.

The secret is stored sealed with the two-factor keys (`keys`, a core.crypto.KeyRing kept outside the
database), so a copy of the database alone gives no one's codes away. When the keys are missing or
do not open a secret, checking a code raises KeyUnavailable: the user is told to ask an
administrator, the log says what is wrong, and nobody is locked out without a word.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time

import pyotp
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.accounts.services.auth import revoke_all_sessions, revoke_all_tokens
from empathy.accounts.services.passwords import hash_password, verify_password
from empathy.core import audit
from empathy.core.crypto import KeyRing, KeyRingError
from empathy.core.db import begin_write, compare_and_delete, retrying, utcnow
from empathy.core.errors import Conflict, NotFound, ServiceError
from empathy.core.mail import queue_mail, render_mail
from empathy.models import TwoFactor, User

log = logging.getLogger(__name__)

ISSUER = "Empathy"
RECOVERY_CODES = 10
RECOVERY_LENGTH = 10
RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
# One step either side: phones whose clocks are up to 30 seconds off still work.
VALID_WINDOW = 1


def new_secret() -> str:
    """A fresh 160-bit base32 secret for the authenticator app."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, user: User) -> str:
    """The otpauth:// address the QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, *, after: int, now: float | None = None) -> int | None:
    """The time step a 6-digit code belongs to, if it is current and newer than `after`."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    step = int((now if now is not None else time.time()) // totp.interval)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if candidate > after and hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


class KeyUnavailable(ServiceError):
    """The server's two-factor keys are missing or do not open the stored secret; an administrator must act."""


def _key_trouble(exc: KeyRingError) -> KeyUnavailable:
    # The person trying to sign in learns whom to ask; the log tells the administrator what to do.
    log.error("two-factor sign-in cannot check codes: %s Restore the key (docs/security.md, 'Two-factor keys') "
              "or reset the users' two-factor sign-in; `flask totp status` tells how many are affected.", exc)
    return KeyUnavailable(str(_l("Two-factor sign-in cannot check codes at the moment: the server's key for it "
                                 "is missing or wrong. Tell an administrator.")), field="code")


def _seal(session: Session, keys: KeyRing, secret: str) -> str:
    """The secret sealed with the newest key; the first key is made only while no secret is stored."""
    try:
        if not keys.has_key():
            if session.exec(select(TwoFactor.user_id).limit(1)).first() is not None:
                # Secrets sealed with a key that is gone: a new key would hide that until each user is locked out.
                raise KeyRingError(f"There is no key in {keys.describe()}, yet some users have two-factor sign-in on.")
            keys.create()
        return keys.seal(secret)
    except KeyRingError as exc:
        raise _key_trouble(exc) from None


def _hash(code: str) -> str:
    # 50 bits of entropy is below the 112 that a plain hash would need (ASVS 6.5.2): salted scrypt.
    return hash_password(_clean(code))


def _is_recovery_code(cleaned: str) -> bool:
    return len(cleaned) == RECOVERY_LENGTH and all(c in RECOVERY_ALPHABET for c in cleaned)


def _new_recovery_codes() -> list[str]:
    # 50 random bits each, written as two groups of five base32 letters: easy to copy by hand.
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


SETTINGS_PATH = "/account/two-factor"  # the page an e-mail about a change links to (after BASE_URL)


def _notice(session: Session, user: User, change: str, base_url: str = "") -> None:
    """Tell the user by e-mail that their second factor changed: if it was not them, they learn it now."""
    language = user.preferred_language or "en"
    with force_locale(language):
        subject = str(_l("Two-factor sign-in changed on your Empathy account"))
        what = {"on": _l("Two-factor sign-in was turned on for your account."),
                "off": _l("Two-factor sign-in was turned off for your account."),
                "reset": _l("An administrator turned off two-factor sign-in for your account.")}[change]
        body, html = render_mail("two_factor", language, name=user.display_name, what=str(what),
                                 url=base_url.rstrip("/") + SETTINGS_PATH if base_url else "")
    queue_mail(session, to=user.email, subject=subject, body=body, html=html, kind="two_factor", language=language)


def get(session: Session, user_id: int) -> TwoFactor | None:
    """The user's authenticator as stored now, or None when two-factor sign-in is off."""
    return session.get(TwoFactor, user_id, populate_existing=True)


def is_enabled(session: Session, user: User) -> bool:
    return get(session, user.id) is not None


@retrying
def enable(*, session: Session, user: User, secret: str, code: str, keys: KeyRing,
           now: float | None = None, base_url: str = "") -> list[str]:
    """Turn two-factor sign-in on once a code from the new secret checks out; returns the recovery codes. Commits.

    The secret is stored sealed with `keys`. Raises Conflict when it is on already, ServiceError
    (field "code") for a wrong code, KeyUnavailable when the keys cannot seal.
    """
    begin_write(session)
    if get(session, user.id) is not None:
        raise Conflict(str(_l("Two-factor sign-in is already on.")))
    step = _matching_step(secret, _clean(code), after=0, now=now)
    if step is None:
        raise ServiceError(str(_l("This code is not right. Check the time on your phone and type the newest code.")),
                           field="code")
    sealed = _seal(session, keys, secret)
    codes = _new_recovery_codes()
    hashes = [_hash(c) for c in codes]
    session.add(TwoFactor(user_id=user.id, sealed_secret=sealed, last_step=step, recovery_hashes=hashes))
    # Sessions and tokens opened with the password alone end: from now on every one took a code.
    revoke_all_sessions(session, user.id)
    revoke_all_tokens(session, user.id)
    audit.record(session, actor_id=user.id, action="two_factor_enabled", target_type="user", target_id=user.id)
    _notice(session, user, "on", base_url)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(str(_l("Two-factor sign-in is already on."))) from None
    return codes


@retrying
def verify(*, session: Session, user: User, code: str, keys: KeyRing, now: float | None = None) -> bool:
    """Check a sign-in code or an unused recovery code; either works once. Commits when one is used.

    When `keys` cannot open the user's secret, a recovery code (which needs no key) still works and
    the log says what is wrong; any other code raises KeyUnavailable, which tells the user to ask
    an administrator.
    """
    row = session.get(TwoFactor, user.id, populate_existing=True)
    if row is None:
        return False
    cleaned = _clean(code)
    try:
        secret, trouble = keys.open(row.sealed_secret), None
    except KeyRingError as exc:
        secret, trouble = None, exc
    step = _matching_step(secret, cleaned, after=row.last_step, now=now) if secret is not None else None
    used = None
    if step is None and _is_recovery_code(cleaned):
        # scrypt is slow on purpose: compare before taking the write lock, not while holding it.
        used = next((h for h in row.recovery_hashes if verify_password(h, cleaned)), None)
    if trouble is not None:
        unavailable = _key_trouble(trouble)  # logged for the administrator whatever the code was
        if used is None:
            session.rollback()
            raise unavailable
    if step is None and used is None:
        session.rollback()
        return False
    # Take the row for writing and check again: of two requests with the same code, one wins.
    begin_write(session)
    row = session.exec(select(TwoFactor).where(TwoFactor.user_id == user.id).with_for_update()
                       .execution_options(populate_existing=True)).first()
    if (row is None or (step is not None and step <= row.last_step)
            or (used is not None and used not in row.recovery_hashes)):
        session.rollback()
        return False
    if step is not None:
        row.last_step = step
    else:
        row.recovery_hashes = [h for h in row.recovery_hashes if h != used]
    row.last_used_at = utcnow()
    session.add(row)
    session.commit()
    return True


def users_with_two_factor(session: Session, user_ids: list[int]) -> set[int]:
    """Which of these users have two-factor sign-in on."""
    if not user_ids:
        return set()
    return set(session.exec(select(TwoFactor.user_id).where(TwoFactor.user_id.in_(user_ids))).all())


def recovery_codes_left(session: Session, user: User) -> int:
    row = get(session, user.id)
    return len(row.recovery_hashes) if row else 0


@retrying
def regenerate_recovery_codes(*, session: Session, user: User) -> list[str]:
    """New recovery codes (the old ones stop working); the caller has checked a current code. Commits."""
    begin_write(session)
    row = get(session, user.id)
    if row is None:
        raise Conflict(str(_l("Two-factor sign-in is off.")))
    codes = _new_recovery_codes()
    row.recovery_hashes = [_hash(c) for c in codes]
    session.add(row)
    session.commit()
    return codes


def _turn_off(session: Session, user_id: int) -> None:
    """Delete the user's authenticator, or refuse (Conflict) when it is already gone; the caller commits.

    One conditional DELETE: of the user turning it off and an administrator resetting it at the same
    moment, one does it (one audit entry, one notice) and the other is refused.
    """
    off = Conflict(str(_l("Two-factor sign-in is off.")))
    begin_write(session)
    row = session.get(TwoFactor, user_id, populate_existing=True)
    if row is None or not compare_and_delete(session, row):
        session.rollback()
        raise off


def disable(*, session: Session, user: User, password: str | None, code: str, keys: KeyRing,
            now: float | None = None, base_url: str = "") -> None:
    """Turn two-factor sign-in off, with the password and a current code. Commits.

    An account with no password (single sign-on, which the identity provider secures) turns it off with
    the code alone. Raises ServiceError on `password` or `code` when either is not right, KeyUnavailable when `keys`
    cannot open the secret, or Conflict when it was turned off meanwhile (by an administrator's
    reset, for instance).
    """
    if user.password_hash is not None and not verify_password(user.password_hash, password or ""):
        raise ServiceError(str(_l("The password is not correct.")), field="password")
    if not verify(session=session, user=user, code=code, keys=keys, now=now):
        raise ServiceError(str(_l("This code is not right.")), field="code")
    _disable_now(session=session, user=user, base_url=base_url)


@retrying
def _disable_now(*, session: Session, user: User, base_url: str = "") -> None:
    _turn_off(session, user.id)
    audit.record(session, actor_id=user.id, action="two_factor_disabled", target_type="user", target_id=user.id)
    _notice(session, user, "off", base_url)
    session.commit()


@retrying
def reset_by_admin(*, session: Session, actor: User, user_id: int, base_url: str = "") -> User:
    """An administrator turns off a user's two-factor sign-in (lost phone, no codes) and signs them out. Commits.

    Raises NotFound, or Conflict when the user does not use it (also when they turned it off at the
    same moment).
    """
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(str(_l("This user does not exist.")))
    try:
        _turn_off(session, user.id)
    except Conflict:
        raise Conflict(str(_l("%(name)s does not use two-factor sign-in.", name=user.display_name))) from None
    revoke_all_sessions(session, user.id)
    revoke_all_tokens(session, user.id)
    audit.record(session, actor_id=actor.id, action="two_factor_reset", target_type="user", target_id=user.id)
    _notice(session, user, "reset", base_url)
    session.commit()
    return user

