"""Administration of user accounts: search, adding one, roles, deactivation.

A role change or a (de)activation takes the rows of every active administrator and of the account
it changes before it decides (`_lock_for_change`): two administrators acting at the same moment take
turns, so each audit entry starts from the state the one before left, and two administrators who
demote or deactivate each other at once cannot both succeed and leave nobody in charge.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlmodel import Session, select

from empathy.accounts.services import activation
from empathy.accounts.services import auth as auth_service
from empathy.core import audit
from empathy.core.db import begin_write, lock_rows, retrying
from empathy.core.errors import Forbidden, NotFound, ServiceError
from empathy.core.pagination import Page, paginate
from empathy.core.text import like_pattern
from empathy.models import ROLES, EmployeeProfile, Site, User
from empathy.models.profile_schemas import MAX_DEPARTMENT

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


def _lock_for_change(session: Session, actor: User, user_id: int) -> User:
    """Start the write and lock the active administrators, then the account to change (as stored now).

    Forbidden when the actor stopped being an active administrator meanwhile; NotFound for no account.
    """
    begin_write(session)
    admins = lock_rows(session, User, User.role == "admin", User.active.is_(True))
    if actor.id not in {a.id for a in admins}:
        raise Forbidden(str(_l("You are no longer an administrator.")))
    user = next(iter(lock_rows(session, User, User.id == user_id)), None)
    if user is None:
        raise NotFound(str(_l("This user does not exist.")))
    return user


@retrying
def change_role(*, session: Session, actor: User, user_id: int, role: str) -> User:
    """Give a user another role; admins cannot demote themselves. Commits.

    Raises ServiceError (field `role`), NotFound, or Forbidden when the actor is no longer an active
    administrator (another one demoted them at the same moment).
    """
    if role not in ROLES:
        raise ServiceError(str(_l("Unknown role.")), field="role")
    user = _lock_for_change(session, actor, user_id)
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
    """Deactivate (ending every session) or reactivate an account; never one's own. Commits.

    Setting the state an account already has changes nothing and records nothing. Raises
    ServiceError, NotFound, or Forbidden when the actor is no longer an active administrator.
    """
    user = _lock_for_change(session, actor, user_id)
    if user.id == actor.id and not active:
        raise ServiceError(str(_l("You cannot deactivate your own account.")))
    if bool(user.active) != bool(active):
        audit.record(session, actor_id=actor.id, action="user_activated" if active else "user_deactivated",
                     target_type="user", target_id=user.id)
    auth_service.set_active(session=session, user=user, active=active)  # commits the entry with the change
    return user


@retrying
def add_user(*, session: Session, actor: User, email: str, display_name: str, role: str, department: str = "",
             site_id: int | None = None, secret_key: str, base_url: str, send_mail: bool = True) -> tuple[User, str]:
    """Add one account without a password (audited); returns it and its one-time activation link, which is
    also e-mailed when `send_mail`. Commits.

    Raises ServiceError on `role`, `display_name`, `department` or `site_id`, Conflict on `email` when an
    account has that address, Forbidden when the actor is no longer an active administrator.
    """
    department = " ".join((department or "").split())
    if len(department) > MAX_DEPARTMENT:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_DEPARTMENT)), field="department")
    begin_write(session)
    admins = lock_rows(session, User, User.role == "admin", User.active.is_(True))
    if actor.id not in {a.id for a in admins}:
        raise Forbidden(str(_l("You are no longer an administrator.")))
    if site_id is not None:
        site = session.get(Site, site_id)
        if site is None or not site.is_active:
            raise ServiceError(str(_l("Choose a site from the list.")), field="site_id")
    user = auth_service.add_account(session, email=email, display_name=display_name, role=role)
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).one()
    profile.department, profile.site_id = department, site_id
    session.add(profile)
    audit.record(session, actor_id=actor.id, action="user_created", target_type="user", target_id=user.id,
                 via="form", role=role)
    if send_mail:
        url = activation.queue_activation_mail(session, user, secret_key=secret_key, base_url=base_url)
    else:
        url = activation.activation_url(user, secret_key=secret_key, base_url=base_url)
    session.commit()
    return user, url
