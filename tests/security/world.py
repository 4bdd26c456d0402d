"""A small organisation with one object of every kind, owned by known actors, for access tests.

Users are written directly with one precomputed password hash and signed in by opening a
server-side session, so a world costs a few milliseconds (no slow hash per user).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from sqlmodel import Session

from empathy.accounts.services import auth as auth_service
from empathy.accounts.services import tokens as token_service
from empathy.accounts.services.passwords import hash_password
from empathy.core.db import utcnow
from empathy.models import Credential, EmployeeProfile, HoursRecord, Notification, OutboxMessage, User
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_site, make_skill

SECRET = "test-secret-key"  # the app fixture's SECRET_KEY
# anon: nobody signed in; emp: owns the match, hours, notification, credential and token below;
# other: another employee; coord: owns the need; coord2: a coordinator who does not; admin.
ROLES = ("anon", "other", "coord2", "emp", "coord", "admin")
ROLE_OF = {"other": "employee", "coord2": "coordinator", "emp": "employee", "coord": "coordinator",
           "admin": "admin"}


@cache
def password_hash() -> str:
    return hash_password(DEFAULT_PASSWORD)


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # API bearer secrets
    sessions: dict[str, str] = field(default_factory=dict)  # server-side session tokens
    ids: dict[str, int] = field(default_factory=dict)  # path parameters


def make_fast_user(session: Session, key: str, role: str) -> User:
    user = User(email=f"{key}@example.com", display_name=key.title(), role=role, password_hash=password_hash())
    session.add(user)
    session.flush()
    session.add(EmployeeProfile(user_id=user.id, department=f"{key} department"))
    session.commit()
    return user


def build_world(session: Session) -> World:
    """Every actor, and one need, match, hours record, notification, credential and token."""
    w = World()
    for key, role in ROLE_OF.items():
        user = make_fast_user(session, key, role)
        w.users[key] = user
        w.sessions[key] = auth_service.start_session(session=session, user=user)
        row, secret = token_service.create_token(session=session, user=user, name="t", secret_key=SECRET)
        w.tokens[key] = secret
        w.ids[f"token_{key}"] = row.id
    emp, coord = w.users["emp"], w.users["coord"]
    site, skill, target = make_site(session), make_skill(session), make_skill(session)
    need = make_need(session, owner=coord, requires_approval=True, site_id=site.id,
                     starts_at=utcnow() - timedelta(days=1), ends_at=utcnow() + timedelta(hours=2), seats_taken=1,
                     allows_extra_hours=True)  # hours for today (any zone's) fall on one of the need's days
    match = make_match(session, need, emp, status="confirmed")
    record = HoursRecord(need_id=need.id, match_id=match.id, user_id=emp.id, hours=2, worked_on=date.today(),
                         department="emp department", note="logged by the world")  # not a repeat of FORM's entry
    note = Notification(user_id=emp.id, kind="confirmed", params={"need": need.title})
    cred = Credential(user_id=emp.id, kind="first_aid", expires_on=date.today() + timedelta(days=300))
    failed_mail = OutboxMessage(to_address=emp.email, subject="s", body="b", kind="test", status="failed",
                                attempts=5, error="550 no such user")
    session.add_all([record, note, cred, failed_mail])
    session.commit()
    w.ids.update(user_id=emp.id, need_id=need.id, match_id=match.id, record_id=record.id,
                 notification_id=note.id, credential_id=cred.id, token_id=w.ids["token_emp"],
                 site_id=site.id, skill_id=skill.id, target_skill_id=target.id, message_id=failed_mail.id)
    return w
