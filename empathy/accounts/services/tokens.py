"""Personal access tokens: created, listed and revoked by their user; checked on each API request.

Only an HMAC-SHA256 of a token (keyed with the app's secret key) is stored. A token also
keeps an HMAC of the password hash it was made under, so changing the password ends every
token without any other code having to remember to revoke them; deactivation ends them too
because the loader refuses inactive users (and `revoke_all_tokens` makes it visible).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.accounts.services import two_factor
from empathy.accounts.services.auth import authenticate
from empathy.core.crypto import KeyRing
from empathy.core.db import begin_write, compare_and_set, lock_rows, retrying, utcnow, write_aside
from empathy.core.errors import NotFound, ServiceError
from empathy.core.submissions import Submission
from empathy.core.submissions import record as record_submission
from empathy.models import ApiToken, User

PREFIX = "emp_"
MAX_NAME = 100
MAX_TOKENS = 50
SIGN_IN_LIFETIME = timedelta(days=30)
# Writing last_used_at on every request would make every call a write: once a minute per token at most.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def token_hash(secret_key: str, text: str) -> str:
    """The HMAC-SHA256 of a token (or other text) keyed with the secret key."""
    return hmac.new(secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()


def _password_mark(secret_key: str, user: User) -> str:
    return token_hash(secret_key, "password:" + (user.password_hash or ""))


@retrying
def create_token(*, session: Session, user: User, name: str, secret_key: str,
                 lifetime: timedelta | None = SIGN_IN_LIFETIME, now: datetime | None = None,
                 submission: Submission | None = None) -> tuple[ApiToken, str]:
    """Make a token for the user; returns the row and the secret, which is shown only once. Commits.

    Raises ServiceError on `name` when it is empty or too long, or when the user already has
    MAX_TOKENS live tokens (counted with the user's row locked: two made at once cannot pass it);
    AlreadySubmitted when `submission` was recorded before.
    """
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(str(_l("Enter a name for the token.")), field="name")
    if len(name) > MAX_NAME:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_NAME)), field="name")
    begin_write(session)  # counted and added in one writing transaction: the limit holds under parallel calls
    lock_rows(session, User, User.id == user.id)
    live = session.exec(select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).one()
    if live >= MAX_TOKENS:
        raise ServiceError(str(_l("You have %(n)d tokens: revoke one you no longer use first.", n=MAX_TOKENS)),
                           field="name")
    now = now or utcnow()
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=token_hash(secret_key, secret),
                   password_mark=_password_mark(secret_key, user), created_at=now,
                   expires_at=now + lifetime if lifetime else None)
    session.add(row)
    session.flush()
    record_submission(session, submission, kind="token", target_id=row.id)
    session.commit()
    return row, secret


def issue_token(*, session: Session, email: str, password: str, secret_key: str, totp_keys: KeyRing,
                name: str = "", otp: str = "", required_roles: tuple[str, ...] = (),
                now: datetime | None = None) -> tuple[ApiToken, str] | None:
    """A 30-day token for these credentials, or None when they are wrong or the account is inactive.

    An account with two-factor sign-in also needs a current code (or a recovery code) as `otp`,
    checked against its secret sealed with `totp_keys`; without a right one this raises
    ServiceError naming the field (two_factor.KeyUnavailable when the keys cannot open the secret).
    """
    user = authenticate(session=session, email=email, password=password)
    if user is None:
        return None
    if user.role in required_roles and not two_factor.is_enabled(session, user):
        raise ServiceError(str(_l("Set up two-factor sign-in in the web app first: your role requires it.")),
                           field="otp")
    if two_factor.is_enabled(session, user):
        if not otp:
            raise ServiceError(str(_l("This account uses two-factor sign-in: send the code from the app as otp.")),
                               field="otp")
        if not two_factor.verify(session=session, user=user, code=otp, keys=totp_keys):
            raise ServiceError(str(_l("This code is not right.")), field="otp")
    return create_token(session=session, user=user, name=name or str(_l("Signed in through the API")),
                        secret_key=secret_key, lifetime=SIGN_IN_LIFETIME, now=now)


def list_tokens(*, session: Session, user: User) -> list[ApiToken]:
    """The user's tokens that are not revoked, newest first."""
    return list(session.exec(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all())


@retrying
def revoke_token(*, session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens. Commits.

    Raises NotFound for another's token, an unknown one, or one already revoked (also by a
    request revoking it at the same moment: one conditional UPDATE decides).
    """
    gone = NotFound(str(_l("There is no such token.")))
    begin_write(session)
    row = session.get(ApiToken, token_id, populate_existing=True)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise gone
    if not compare_and_set(session, row, ApiToken.revoked_at.is_(None), revoked_at=utcnow()):
        raise gone
    session.commit()
    return row


def revoke_all_tokens(session: Session, user_id: int) -> None:
    """Revoke every token of a user (password change, deactivation); the caller commits."""
    session.execute(sa.update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def load_token_user(*, session: Session, secret: str, secret_key: str, now: datetime | None = None) -> User | None:
    """The active user a live token belongs to, or None (unknown, revoked, expired, or password changed).

    Notes when the token was used, at most once a minute, aside from the request (`write_aside`): that
    bookkeeping never fails the call it was made for."""
    if not secret or len(secret) > 200:
        return None
    now = now or utcnow()
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(secret_key, secret))).first()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(row.password_mark, _password_mark(secret_key, user)):
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        write_aside(session, sa.update(ApiToken).where(
            ApiToken.id == row.id,
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_GRANULARITY),
        ).values(last_used_at=now).execution_options(synchronize_session=False))
    return user
