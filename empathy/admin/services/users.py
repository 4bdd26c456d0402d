"""Administration of user accounts: search, roles, deactivation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlmodel import Session, select

from empathy.accounts.services import auth as auth_service
from empathy.core import audit
from empathy.core.db import begin_write, retrying
from empathy.core.errors import NotFound, ServiceError
from empathy.core.pagination import Page, paginate
from empathy.core.text import like_pattern
from empathy.models import ROLES, User

MAX_QUERY = 100


def list_users(
    *, session: Session, query: str = "", role: str = "", page: int = 1, per_page: int = 20
) -> Page[User]:
    """Users whose name or email contains `query` (any case), newest first."""
    statement = select(User)
    query = query.strip()[:MAX_QUERY]
    if query:
        pattern = like_pattern(query.lower())
        statement = statement.where(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    if role in ROLES:
        statement = statement.where(User.role == role)
    return paginate(session, statement.order_by(User.created_at.desc(), User.id.desc()),
                    page=page, per_page=per_page)


def get_user(*, session: Session, user_id: int) -> User:
    """One user as stored now, or NotFound."""
    user = session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound(str(_l("This user does not exist.")))
    return user


@retrying
def change_role(*, session: Session, actor: User, user_id: int, role: str) -> User:
    """Give a user another role; admins cannot demote themselves."""
    if role not in ROLES:
        raise ServiceError(str(_l("Unknown role.")), field="role")
    begin_write(session)
    user = get_user(session=session, user_id=user_id)
    if user.id == actor.id and role != "admin":
        raise ServiceError(
            str(_l("You cannot remove your own admin role. Ask another admin to do it.")), field="role"
        )
    if user.role != role:
        audit.record(session, actor_id=actor.id, action="role_changed", target_type="user", target_id=user.id,
                     old=user.role, new=role)
    user.role = role
    session.add(user)
    session.commit()
    return user


@retrying
def set_user_active(*, session: Session, actor: User, user_id: int, active: bool) -> User:
    """Deactivate (ending every session) or reactivate an account; never one's own."""
    begin_write(session)
    user = get_user(session=session, user_id=user_id)
    if user.id == actor.id and not active:
        raise ServiceError(str(_l("You cannot deactivate your own account.")))
    if bool(user.active) != bool(active):
        audit.record(session, actor_id=actor.id, action="user_activated" if active else "user_deactivated",
                     target_type="user", target_id=user.id)
    auth_service.set_active(session=session, user=user, active=active)  # commits the entry with the change
    return user
