"""Secrets the server must read back (two-factor seeds), sealed at rest with keys kept out of the database.

A key is a dedicated secret of at least 32 characters: the list TOTP_KEYS (EMPATHY_TOTP_KEYS), or else
the instance file `totp-key` (one per line, mode 600), made on first use. Fernet keys are derived from
them with HKDF-SHA256, never from anything stored in the database, so a copy of the database alone
opens nothing. MultiFernet seals with the first key and opens with any of them: rotating is putting a
new key first, re-sealing every value, then dropping the old keys.
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_KEY_LENGTH = 32
TOTP_PURPOSE = b"empathy two-factor seeds v1"
# The activation links an import keeps for its administrator for a short while (empathy.admin.services.import_jobs).
IMPORT_LINKS_PURPOSE = b"empathy import activation links v1"


class KeyRingError(RuntimeError):
    """The keys cannot seal or open a value; the message says what an administrator should do."""


class KeyMissing(KeyRingError):
    """No key is configured and none may be made here."""


class KeyMismatch(KeyRingError):
    """None of the keys opens a sealed value: it was sealed with a key that is lost or was dropped."""


def _fernet(secret: str, purpose: bytes) -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(raw))


def new_key() -> str:
    """A fresh random key (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


class KeyRing:
    """The keys of one purpose, from configuration or from a key file (read on every use).

    Reading the file each time lets `flask totp rotate-key` change the keys under running workers.
    Errors: KeyMissing when there is no key, KeyMismatch when no key opens a value, KeyRingError
    for a key shorter than 32 characters or a change the source cannot take.
    """

    def __init__(self, keys: Sequence[str] | str | None = None, *, path: str | Path | None = None,
                 purpose: bytes = TOTP_PURPOSE, setting: str = "EMPATHY_TOTP_KEYS"):
        if isinstance(keys, str):
            keys = [keys]
        self._configured = [k.strip() for k in (keys or []) if k and k.strip()]
        self.path = Path(path) if path is not None and not self._configured else None
        self.purpose = purpose
        self.setting = setting

    @classmethod
    def for_totp(cls, config: Mapping, instance_path: str | Path) -> KeyRing:
        """The two-factor keys of an app: TOTP_KEYS if set, else the file TOTP_KEY_FILE (relative to the instance)."""
        return cls(config.get("TOTP_KEYS"), path=Path(instance_path) / config.get("TOTP_KEY_FILE", "totp-key"))

    # ----------------------------------------------------------------- where the keys are
    @property
    def is_file(self) -> bool:
        """Whether the keys live in a file this process may change (not in configuration)."""
        return self.path is not None

    def describe(self) -> str:
        """Where the keys come from, for messages: the file's path or the setting's name."""
        return str(self.path) if self.is_file else self.setting

    def keys(self) -> list[str]:
        """The keys, newest first; empty when there are none (yet)."""
        if not self.is_file:
            found = list(self._configured)
        else:
            try:
                text = self.path.read_text(encoding="ascii")
            except FileNotFoundError:
                return []
            found = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
        short = [i + 1 for i, k in enumerate(found) if len(k) < MIN_KEY_LENGTH]
        if short:
            raise KeyRingError(f"Key {short[0]} in {self.describe()} is shorter than {MIN_KEY_LENGTH} characters; "
                               f"make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return found

    def has_key(self) -> bool:
        return bool(self.keys())

    def create(self) -> None:
        """Make the key file with one new key, readable by its owner only; no-op when a key exists.

        Raises KeyMissing when the keys come from configuration (which must then name one).
        """
        if self.has_key():
            return
        if not self.is_file:
            raise KeyMissing(f"{self.setting} is empty: set it to a list with at least one key.")
        self._write([new_key()], replace=self.path.exists())

    def _write(self, keys: list[str], *, replace: bool = True) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")  # mode 600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write("".join(k + "\n" for k in keys))
            if replace:
                os.replace(tmp, self.path)
                return
            try:
                os.link(tmp, self.path)  # fails if another process made the file meanwhile: theirs stays
            except FileExistsError:
                pass
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def add_key(self) -> str:
        """Put a new key first in the file (the old ones still open values); returns the file's path.

        Raises KeyRingError when the keys come from configuration.
        """
        if not self.is_file:
            raise KeyRingError(f"The keys come from {self.setting}: put a new key first there and restart.")
        self._write([new_key(), *self.keys()])
        return str(self.path)

    def keep_only_newest(self) -> int:
        """Drop every key but the first from the file; returns how many were dropped."""
        if not self.is_file:
            raise KeyRingError(f"The keys come from {self.setting}: remove the old ones there.")
        keys = self.keys()
        if len(keys) > 1:
            self._write(keys[:1])
        return max(len(keys) - 1, 0)

    # ----------------------------------------------------------------- sealing
    def _multi(self, keys: list[str] | None = None) -> MultiFernet:
        keys = self.keys() if keys is None else keys
        if not keys:
            raise KeyMissing(f"There is no key in {self.describe()}.")
        return MultiFernet([_fernet(k, self.purpose) for k in keys])

    def seal(self, text: str) -> str:
        """Encrypt and authenticate `text` with the newest key; the result is ASCII (about 140 characters for 32)."""
        return self._multi().encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        """The text inside `sealed`. Raises KeyMissing or KeyMismatch."""
        try:
            return self._multi().decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise KeyMismatch(f"No key in {self.describe()} opens this value: it was sealed with a key that is "
                              f"lost or was removed.") from None

    def reseal(self, sealed: str, *, keys: list[str] | None = None) -> str:
        """`sealed` sealed again with the newest key (`keys` overrides the ring's, newest first). Raises KeyMismatch."""
        try:
            return self._multi(keys).rotate(sealed.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise KeyMismatch(f"No key in {self.describe()} opens this value.") from None

    def opens_with_newest(self, sealed: str) -> bool:
        """Whether the newest key alone opens `sealed`."""
        keys = self.keys()
        if not keys:
            return False
        try:
            _fernet(keys[0], self.purpose).decrypt(sealed.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True
