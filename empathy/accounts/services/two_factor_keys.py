"""The keys that seal two-factor secrets: how the stored secrets stand against them, and rotating them.

Rotating (key in a file): a new key goes first in the file, every secret is sealed again with it in one
transaction, then the old keys leave the file (unless kept). Keys from configuration cannot be written
here: the administrator puts the new key first in TOTP_KEYS, and rotating re-seals under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from empathy.core.crypto import KeyMismatch, KeyRing, KeyRingError
from empathy.core.db import begin_write
from empathy.core.errors import ServiceError
from empathy.models import TwoFactor


@dataclass(frozen=True)
class KeyStatus:
    """Where the keys are, how many, and how the stored secrets stand against them."""

    where: str
    keys: int
    users: int
    newest: int = 0  # secrets the newest key opens
    older: int = 0  # secrets only an older key opens: `rotate-key` seals them with the newest
    unopenable: list[int] = field(default_factory=list)  # users whose secret no key opens
    problem: str = ""  # a key that cannot be used at all (too short), or none while secrets exist

    @property
    def ok(self) -> bool:
        """Every stored secret opens, and a key exists whenever a secret does."""
        return not self.problem and not self.unopenable


@dataclass(frozen=True)
class Rotation:
    where: str
    resealed: int
    dropped: int


def key_status(*, session: Session, keys: KeyRing) -> KeyStatus:
    """Check every stored secret against the keys; changes nothing."""
    sealed = session.exec(select(TwoFactor.user_id, TwoFactor.sealed_secret).order_by(TwoFactor.user_id)).all()
    session.rollback()
    try:
        count = len(keys.keys())
    except KeyRingError as exc:
        return KeyStatus(keys.describe(), 0, len(sealed), problem=str(exc))
    if not count:
        problem = f"There is no key in {keys.describe()}." if sealed else ""
        return KeyStatus(keys.describe(), 0, len(sealed), unopenable=[u for u, _ in sealed], problem=problem)
    newest = older = 0
    unopenable = []
    for user_id, value in sealed:
        if keys.opens_with_newest(value):
            newest += 1
            continue
        try:
            keys.open(value)
        except KeyMismatch:
            unopenable.append(user_id)
        else:
            older += 1
    return KeyStatus(keys.describe(), count, len(sealed), newest, older, unopenable)


def _reseal_all(session: Session, keys: KeyRing, ring: list[str]) -> int:
    """Seal every secret again with ring[0] in one transaction; returns how many changed. Commits."""
    begin_write(session)
    rows = session.exec(select(TwoFactor).with_for_update()).all()
    changed = 0
    for row in rows:
        resealed = keys.reseal(row.sealed_secret, keys=ring)
        if resealed != row.sealed_secret:
            row.sealed_secret = resealed
            session.add(row)
            changed += 1
    session.commit()
    return changed


def rotate_key(*, session: Session, keys: KeyRing, keep_old: bool = False) -> Rotation:
    """Seal every two-factor secret with a new key. Commits.

    Key file: a new key goes first, every secret is re-sealed with it, then the old keys are dropped
    from the file unless `keep_old` (backups made before need them). Keys from configuration: every
    secret is re-sealed with the first configured key. Raises ServiceError, changing nothing, when
    a stored secret opens with none of the keys (reset those users' two-factor sign-in first).
    """
    status = key_status(session=session, keys=keys)
    if not status.ok:
        users = ", ".join(map(str, status.unopenable[:20]))
        raise ServiceError(status.problem or f"No key in {status.where} opens the secrets of users {users}: "
                                             "restore the key they were sealed with, or reset their two-factor "
                                             "sign-in; nothing was changed.")
    if not keys.is_file:
        return Rotation(status.where, _reseal_all(session, keys, keys.keys()), 0)
    if not keys.has_key():
        keys.create()  # nothing is sealed yet (checked above): the first key is all there is to do
        return Rotation(status.where, 0, 0)
    keys.add_key()
    ring = keys.keys()  # the new key, then every old one
    resealed = _reseal_all(session, keys, ring)
    if keep_old:
        return Rotation(status.where, resealed, 0)
    dropped = keys.keep_only_newest()
    # A worker that read the file before the new key was in it may have sealed one secret since:
    # the old keys, still known here, open it once more.
    _reseal_all(session, keys, ring)
    return Rotation(status.where, resealed, dropped)
