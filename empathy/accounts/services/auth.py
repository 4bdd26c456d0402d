"""Accounts: registration, sign-in, server-side sessions, password changes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.accounts.services.passwords import (
    check_password_rules,
    hash_password,
    replace_password_hash,
    verify_password,
)
from empathy.core.db import begin_write, retrying, utcnow, write_aside
from empathy.core.errors import Conflict, ServiceError
from empathy.models import ROLES, EmployeeProfile, User, UserSession

# Writing last_seen on every request would make every page a write; a minute is precise enough.
LAST_SEEN_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


@retrying
def create_user(
    *,
    session: Session,
    email: str,
    display_name: str,
    password: str | None,
    role: str = "employee",
    preferred_language: str | None = None,
) -> User:
    """Create an account (and an employee profile); password None leaves it to activation. Commits.

    Raises ServiceError on the field at fault, or Conflict on `email` when an account has that
    address (also one created at the same moment: the unique address decides).
    """
    email = normalize_email(email)
    if role not in ROLES:
        raise ServiceError(str(_l("Unknown role.")), field="role")
    if not display_name.strip():
        raise ServiceError(str(_l("Enter a name.")), field="display_name")
    if password is not None:
        check_password_rules(password)
    # Hashed before the write lock is taken: scrypt takes a tenth of a second.
    password_hash = hash_password(password) if password is not None else None
    begin_write(session)
    user = add_account(session, email=email, display_name=display_name, role=role,
                       preferred_language=preferred_language, password_hash=password_hash)
    session.commit()
    return user


def add_account(session: Session, *, email: str, display_name: str, role: str = "employee",
                preferred_language: str | None = None, password_hash: str | None = None) -> User:
    """Add an account and its employee profile to the caller's write transaction (`begin_write` first);
    the caller commits. The e-mail is normalised here; the name must not be blank.

    Raises ServiceError on `role` or `display_name`, Conflict on `email` when an account has that address
    (also one added at the same moment: the unique address decides, and the transaction is rolled back).
    """
    email = normalize_email(email)
    if role not in ROLES:
        raise ServiceError(str(_l("Unknown role.")), field="role")
    if not display_name.strip():
        raise ServiceError(str(_l("Enter a name.")), field="display_name")
    taken = Conflict(str(_l("An account with this email already exists.")), field="email")
    if find_user_by_email(session, email) is not None:
        raise taken
    user = User(email=email, display_name=display_name.strip(), role=role,
                preferred_language=preferred_language, password_hash=password_hash)
    try:
        session.add(user)
        session.flush()
        session.add(EmployeeProfile(user_id=user.id))
        session.flush()
    except IntegrityError:
        session.rollback()
        raise taken from None
    return user


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = find_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    return user


@retrying
def start_session(*, session: Session, user: User) -> str:
    """Open a server-side session for a fresh sign-in; returns its secret token. Commits."""
    token = secrets.token_urlsafe(32)
    begin_write(session)  # the sign-in has read the user: a writer from the start, or SQLite refuses the insert
    session.add(UserSession(user_id=user.id, token_hash=_token_hash(token)))
    session.commit()
    return token


# Built once (every signed-in request runs it); the session's four columns, not a UserSession object.
_SESSION_USER = (
    select(UserSession.id, UserSession.revoked_at, UserSession.last_seen_at, UserSession.created_at, User)
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def load_session_user(
    *, session: Session, token: str, policy: SessionPolicy, now: datetime | None = None
) -> User | None:
    """The user of a live session token, or None when revoked, idle or too old.

    Ending an idle session and noting when one was last seen (at most once a minute) are written
    aside from the request (`write_aside`): that bookkeeping never fails the page it was made for."""
    now = now or utcnow()
    # One statement for the session and its user: every signed-in page pays for this lookup.
    found = session.exec(_SESSION_USER, params={"token_hash": _token_hash(token)}).first()
    if found is None:
        return None
    row, user = found, found.User
    if row.revoked_at is not None:
        return None
    if now - row.last_seen_at > policy.idle or now - row.created_at > policy.absolute:
        write_aside(session, update(UserSession)
                    .where(UserSession.id == row.id, UserSession.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))
        return None
    if not user.active:
        return None
    if now - row.last_seen_at > LAST_SEEN_GRANULARITY:
        write_aside(session, update(UserSession)
                    .where(UserSession.id == row.id, UserSession.last_seen_at < now - LAST_SEEN_GRANULARITY)
                    .values(last_seen_at=now).execution_options(synchronize_session=False))
    return user


@retrying
def end_session(*, session: Session, token: str) -> None:
    """Revoke one server-side session (logout). Commits."""
    begin_write(session)
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()


def revoke_all_sessions(session: Session, user_id: int) -> None:
    """Revoke every session of a user; the caller commits."""
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all_tokens(session: Session, user_id: int) -> None:
    """Revoke every API token of a user; the caller commits (imported here: tokens imports this module)."""
    from empathy.accounts.services.tokens import revoke_all_tokens as revoke

    revoke(session, user_id)


def rotate_calendar_link(session: Session, user_id: int) -> str | None:
    """A new password gives the calendar link (the other personal bearer link, besides API tokens) a new
    secret, if the user has one: the old link stops working. Returns the new token, to be shown once, or
    None; the caller commits (imported here: volunteering's services import accounts)."""
    from empathy.volunteering.services.calendar import rotate_feed_token

    return rotate_feed_token(session, user_id)


def change_password(*, session: Session, user: User, current: str, new: str) -> str | None:
    """Change a password after checking the current one; ends every session and API token of the user, and
    replaces their calendar link. Returns the new calendar link's token (shown once), or None. Commits.

    Raises ServiceError on `current_password` when it is not right, also when another change from
    the same password was made at the same moment, or on `new_password` when it breaks a rule.
    """
    wrong = ServiceError(str(_l("The current password is not correct.")), field="current_password")
    if not verify_password(user.password_hash, current):
        raise wrong
    check_password_rules(new, field="new_password")
    # scrypt before the write lock, as the check above: neither may hold up other writers.
    return _store_password(session=session, user=user, checked=user.password_hash, new_hash=hash_password(new),
                           wrong=wrong)


@retrying
def _store_password(*, session: Session, user: User, checked: str, new_hash: str,
                    wrong: ServiceError) -> str | None:
    # A retry reloads `user`: it must still hold the hash the current password was checked against.
    if user.password_hash != checked or not replace_password_hash(session, user, new_hash):
        raise wrong  # another change from the same password won; retrying has rolled back
    revoke_all_sessions(session, user.id)
    revoke_all_tokens(session, user.id)
    calendar_token = rotate_calendar_link(session, user.id)
    session.commit()
    return calendar_token


def set_active(*, session: Session, user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivation ends all its sessions. Commits (the caller has
    started the transaction with `begin_write`, and may have added an audit entry to it)."""
    user.active = active
    session.add(user)
    if not active:
        revoke_all_sessions(session, user.id)
        revoke_all_tokens(session, user.id)
        # Its calendar link too: a reactivated account does not bring the old one back.
        from empathy.volunteering.services.calendar import end_feed

        end_feed(session, user.id)
    session.commit()
