"""Signed, single-use, expiring links that let a user set a password: activation and reset.

A link carries the user's id and a fingerprint of their account and password hash, signed with the
secret key and a salt per purpose. Setting a password changes the hash, so a used link stops working
at once, and so does every other link issued before it; nothing needs to be stored. The fingerprint
also covers the account's creation time, so a link never opens another account that got the same id.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import LazyString
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from empathy.accounts.services.auth import revoke_all_sessions, revoke_all_tokens, rotate_calendar_link
from empathy.accounts.services.passwords import check_password_rules, hash_password, replace_password_hash
from empathy.core import audit
from empathy.core.db import retrying
from empathy.core.errors import ServiceError
from empathy.models import User


@dataclass(frozen=True)
class LinkKind:
    """One purpose of a link: its salt, lifetime, path and the messages a bad link shows."""

    salt: str
    max_age: timedelta
    path: str
    expired: LazyString
    invalid: LazyString
    used: LazyString
    audit_action: str | None = None  # recorded with the new password, when the purpose is audited


def password_fingerprint(user: User, secret_key: str) -> str:
    """A keyed digest of the user's account and password state: it changes whenever the password does.

    The creation time (to the microsecond) tells apart two accounts that had the same id: an imported
    account has no password hash yet, so id and hash alone would match the next account given that id.
    """
    state = f"{user.id}:{user.created_at.isoformat()}:{user.password_hash or ''}".encode()
    return hmac.new(secret_key.encode(), state, hashlib.sha256).hexdigest()[:24]


def _serializer(kind: LinkKind, secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=kind.salt)


def make_token(kind: LinkKind, user: User, *, secret_key: str) -> str:
    """A signed token naming the user and the state of their password."""
    return _serializer(kind, secret_key).dumps({"u": user.id, "f": password_fingerprint(user, secret_key)})


def link_urls(kind: LinkKind, users, *, secret_key: str, base_url: str) -> list[str]:
    """`link_url` for many users at once (one serializer for all: an import makes thousands)."""
    serializer = _serializer(kind, secret_key)
    start = f"{base_url.rstrip('/')}/{kind.path}/"
    return [start + serializer.dumps({"u": user.id, "f": password_fingerprint(user, secret_key)}) for user in users]


def link_url(kind: LinkKind, user: User, *, secret_key: str, base_url: str) -> str:
    """The absolute link the user opens."""
    return f"{base_url.rstrip('/')}/{kind.path}/{make_token(kind, user, secret_key=secret_key)}"


def check_token(kind: LinkKind, *, session: Session, token: str, secret_key: str) -> User:
    """The user a live link belongs to; ServiceError when invalid, used or expired."""
    try:
        data = _serializer(kind, secret_key).loads(token, max_age=int(kind.max_age.total_seconds()))
    except SignatureExpired:
        raise ServiceError(str(kind.expired)) from None
    except BadData:
        raise ServiceError(str(kind.invalid)) from None
    user_id = data.get("u") if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    user = session.get(User, user_id, populate_existing=True) if user_id is not None else None
    if user is None or not user.active:
        raise ServiceError(str(kind.invalid))
    if not hmac.compare_digest(str(data.get("f", "")), password_fingerprint(user, secret_key)):
        raise ServiceError(str(kind.used))
    return user


@retrying
def set_password(kind: LinkKind, *, session: Session, token: str, password: str,
                 secret_key: str) -> tuple[User, str | None]:
    """Set a password through a live link: the link stops working, every session and token ends, and the
    calendar link gets a new secret. Returns the user and the new calendar link's token (or None). Commits.

    Raises ServiceError when the link is invalid, expired or used, also by a request using it at the
    same moment (only one of them sets a password), or when the password breaks a rule.
    """
    check_token(kind, session=session, token=token, secret_key=secret_key)
    check_password_rules(password)
    new_hash = hash_password(password)  # scrypt before the write lock: it must not hold up other writers
    user = check_token(kind, session=session, token=token, secret_key=secret_key)  # again, as stored now
    if not replace_password_hash(session, user, new_hash):
        raise ServiceError(str(kind.used))
    revoke_all_sessions(session, user.id)
    revoke_all_tokens(session, user.id)
    calendar_token = rotate_calendar_link(session, user.id)
    if kind.audit_action:
        audit.record(session, actor_id=user.id, action=kind.audit_action, target_type="user", target_id=user.id)
    session.commit()
    return user, calendar_token
