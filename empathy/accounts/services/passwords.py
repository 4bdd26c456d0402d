"""Password rules, hashing, and storing a new hash."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from sqlmodel import Session
from werkzeug.security import check_password_hash, generate_password_hash

from empathy.core.db import begin_write, compare_and_set
from empathy.core.errors import ServiceError
from empathy.models import User

MIN_LENGTH = 10
MAX_LENGTH = 128
# scrypt, werkzeug's default; named so a future default change cannot weaken it silently.
HASH_METHOD = "scrypt"


@cache
def _dummy_hash() -> str:
    # Checked when the email is unknown, so both paths cost one slow hash.
    return generate_password_hash("not-a-real-password-0", method=HASH_METHOD)


@cache
def _common_passwords() -> frozenset[str]:
    # The 30,000 most common passwords of public breaches, as shipped with zxcvbn.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_rules(password: str, *, field: str = "password") -> None:
    """Length and a common-password list (no composition rules); raises ServiceError."""
    if len(password) < MIN_LENGTH:
        raise ServiceError(str(_l("Use at least %(n)d characters.", n=MIN_LENGTH)), field=field)
    if len(password) > MAX_LENGTH:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_LENGTH)), field=field)
    if password.lower() in _common_passwords():
        raise ServiceError(
            str(_l("This password is one of the most common ones and easy to guess. Choose another.")),
            field=field,
        )


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; takes as long when there is no hash to check."""
    if not password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def replace_password_hash(session: Session, user: User, new_hash: str) -> bool:
    """Store `new_hash` only if the stored hash is still the one `user` was checked against; the caller commits.

    Of two requests setting a password from the same state at the same moment (a link opened twice,
    a form sent from two tabs) exactly one gets True; the other must refuse as if it came second.
    """
    begin_write(session)
    old = user.password_hash
    same = User.password_hash.is_(None) if old is None else User.password_hash == old
    return compare_and_set(session, user, same, password_hash=new_hash)
