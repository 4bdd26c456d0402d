"""SCIM Users (RFC 7644 §3): accounts as a provisioning system reads and writes them.

An account's id is its user id. Its userName is what the provisioning system sent (kept in `scim_users`),
or the sign-in address for an account it never wrote: so `userName eq "a@corp.example"` finds an account
someone registered themselves, and the provisioning system links it instead of making a second one.
Deactivation (`active: false`, PUT or PATCH) ends the account's sessions and tokens through the same
service as an administrator's; DELETE erases the account as its owner's own deletion does. Roles change
through the role groups (`groups.py`), never through a user's attributes.
"""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from scim2_models import (
    ConflictException,
    EnterpriseUser,
    GroupMembership,
    InvalidFilterException,
    InvalidValueException,
    Meta,
    Name,
    NotFoundException,
    PatchOp,
    ScimFilter,
    UniquenessException,
)
from scim2_models.path.expressions import CompareOperator, Comparison
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.accounts.services import auth as auth_service
from empathy.core import audit
from empathy.core.db import begin_write, lock_rows, retrying
from empathy.core.errors import Conflict, NotFound
from empathy.models import EmployeeProfile, ScimGroup, ScimGroupMember, ScimUser, User
from empathy.privacy import account_data
from empathy.scim.services.resources import MAX_RESULTS, ScimUserModel, kept_user_state

MAX_TEXT = 254
MAX_NAME = 120
MAX_DEPARTMENT = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def user_key(value: str) -> str:
    """The case-insensitive form a userName is unique in."""
    return value.strip().lower()


def _user_id(resource_id: str) -> int:
    if not resource_id.isdigit() or len(resource_id) > 18:
        raise NotFoundException(detail=f"No User {resource_id!r}.")
    return int(resource_id)


def _text(value: Any, attribute: str, limit: int) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if _CONTROL.search(value):
        raise InvalidValueException(detail=f"{attribute} must not contain control characters.")
    if len(value) > limit:
        raise InvalidValueException(detail=f"{attribute} takes at most {limit} characters.")
    return value or None


def _chosen_email(state: Any) -> Any:
    emails = [e for e in state.emails or [] if e.value]
    return next((e for e in emails if e.primary), None) or (emails[0] if emails else None)


def _email_of(state: Any) -> str:
    """The sign-in address: the primary e-mail, else the first, else userName when it is an address."""
    entry = _chosen_email(state)
    chosen = entry.value if entry is not None else None
    chosen = chosen or (state.user_name if state.user_name and "@" in state.user_name else None)
    if not chosen:
        raise InvalidValueException(detail="emails: an account needs an e-mail address (or a userName that is one).")
    try:
        return validate_email(chosen, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidValueException(detail=f"emails: {chosen!r} is not an e-mail address ({exc}).") from None


# ----------------------------------------------------------------------------- reading
class _Loaded:
    """What the resources of a few accounts are made from, loaded for all of them at once."""

    def __init__(self, session: Session, users: list[User]):
        ids = [u.id for u in users]
        self.scim = {r.user_id: r for r in session.exec(select(ScimUser).where(ScimUser.user_id.in_(ids)))}
        self.departments = dict(session.exec(select(EmployeeProfile.user_id, EmployeeProfile.department)
                                             .where(EmployeeProfile.user_id.in_(ids))).all())
        self.groups: dict[int, list[tuple[str, str]]] = {}
        for user_id, group_id, name in session.exec(
                select(ScimGroupMember.user_id, ScimGroup.id, ScimGroup.display_name)
                .join(ScimGroup, ScimGroup.id == ScimGroupMember.group_id)
                .where(ScimGroupMember.user_id.in_(ids))).all():
            self.groups.setdefault(user_id, []).append((group_id, name))


def to_resource(user: User, loaded: _Loaded, base_url: str) -> ScimUserModel:
    """The SCIM resource of an account (what GET answers)."""
    row = loaded.scim.get(user.id)
    kept = row.attributes if row is not None else {"displayName": user.display_name}
    department = loaded.departments.get(user.id) or None
    groups = [GroupMembership(value=user.role, display=user.role, type="direct",
                              ref=f"{base_url}/Groups/{user.role}")]
    groups += [GroupMembership(value=gid, display=name, type="direct", ref=f"{base_url}/Groups/{gid}")
               for gid, name in sorted(loaded.groups.get(user.id, []))]
    resource = ScimUserModel(
        id=str(user.id),
        external_id=row.external_id if row is not None else None,
        user_name=row.user_name if row is not None else user.email,
        display_name=kept.get("displayName"),
        name=Name(**{_snake(k): v for k, v in kept["name"].items()}) if kept.get("name") else None,
        emails=[{"value": user.email, "type": kept.get("emailType", "work"),
                 "primary": kept.get("emailPrimary", True)}],
        active=bool(user.active),
        groups=groups,
        meta=Meta(resource_type="User", location=f"{base_url}/Users/{user.id}", created=user.created_at,
                  last_modified=max(user.updated_at, row.updated_at) if row is not None else user.updated_at),
    )
    if department:
        resource[EnterpriseUser] = EnterpriseUser(department=department)
    return resource


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def get_user(*, session: Session, resource_id: str, base_url: str) -> ScimUserModel:
    """One account as a SCIM User; NotFoundException (404) when there is none."""
    user = session.get(User, _user_id(resource_id), populate_existing=True)
    if user is None:
        raise NotFoundException(detail=f"No User {resource_id!r}.")
    return to_resource(user, _Loaded(session, [user]), base_url)


# Filters answered in SQL: attribute (lower-cased) -> how an `eq` on it selects accounts.
def _eq_condition(attribute: str, value: Any):
    text = str(value)
    if attribute == "username":
        linked = select(ScimUser.user_id).where(ScimUser.user_name_key == user_key(text))
        unlinked = select(ScimUser.user_id)
        return (User.id.in_(linked)) | ((User.email == text.strip().lower()) & User.id.not_in(unlinked))
    if attribute == "externalid":
        return User.id.in_(select(ScimUser.user_id).where(ScimUser.external_id == text))
    if attribute == "id":
        return User.id == (int(text) if text.isdigit() and len(text) < 18 else -1)
    if attribute in ("emails", "emails.value"):
        return User.email == text.strip().lower()
    if attribute == "active" and isinstance(value, bool):
        return User.active.is_(value)
    return None


SUPPORTED_FILTERS = 'userName, externalId, id, emails.value or active with "eq" (e.g. userName eq "a@corp.example")'


def filter_condition(expression: str | None):
    """The SQL condition of a SCIM filter, None for no filter.

    Raises InvalidFilterException (400 invalidFilter) for a filter that does not parse, or one this
    server does not answer (anything but an `eq` on one of SUPPORTED_FILTERS)."""
    if not expression or not expression.strip():
        return None
    parsed = ScimFilter[ScimUserModel](expression)  # InvalidFilterException when it does not parse
    node = parsed.ast
    if isinstance(node, Comparison) and node.op == CompareOperator.eq and node.attr_path.uri in (None, ""):
        attribute = node.attr_path.attr.lower() + (f".{node.attr_path.sub_attr.lower()}"
                                                   if node.attr_path.sub_attr else "")
        condition = _eq_condition(attribute, node.value)
        if condition is not None:
            return condition
    raise InvalidFilterException(detail=f"This server filters Users by {SUPPORTED_FILTERS}.")


def list_users(*, session: Session, filter: str | None, start_index: int, count: int,
               base_url: str) -> tuple[int, list[ScimUserModel]]:
    """A page of accounts by id: (how many match in all, the resources from `start_index`, 1-based)."""
    condition = filter_condition(filter)
    statement = select(User) if condition is None else select(User).where(condition)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    count = max(0, min(count, MAX_RESULTS))
    if count == 0:
        return total, []
    users = list(session.exec(statement.order_by(User.id).offset(max(start_index, 1) - 1).limit(count)).all())
    loaded = _Loaded(session, users)
    return total, [to_resource(u, loaded, base_url) for u in users]


# ----------------------------------------------------------------------------- writing
def _lock_admins_and(session: Session, user_id: int) -> tuple[list[User], User]:
    """Start the write and lock the active administrators, then the account (as stored now), in the order
    the administrators' own services take them."""
    begin_write(session)
    admins = lock_rows(session, User, User.role == "admin", User.active.is_(True))
    user = next(iter(lock_rows(session, User, User.id == user_id)), None)
    if user is None:
        raise NotFoundException(detail=f"No User {user_id}.")
    return admins, user


def _write(session: Session, user: User, state: Any, *, admins: list[User], token_id: int) -> None:
    """Write a wanted state onto an account, its SCIM identity and profile, and commit (one transaction)."""
    user_name = _text(state.user_name, "userName", MAX_TEXT)
    if not user_name:
        raise InvalidValueException(detail="userName is required.")
    email = _email_of(state)
    kept = kept_user_state(state)
    entry = _chosen_email(state)
    if entry is not None and entry.type is not None:
        kept["emailType"] = str(entry.type.value if hasattr(entry.type, "value") else entry.type)[:40]
    if entry is not None and entry.primary is not None:
        kept["emailPrimary"] = bool(entry.primary)
    name = kept.get("name", {})
    display = (_text(kept.get("displayName"), "displayName", MAX_NAME)
               or _text(name.get("formatted"), "name.formatted", MAX_NAME)
               or _text(" ".join(filter(None, (name.get("givenName"), name.get("familyName")))), "name", MAX_NAME)
               or email.partition("@")[0])
    extension = state[EnterpriseUser]
    department = _text(extension.department if extension else None, "department", MAX_DEPARTMENT) or ""
    external_id = _text(state.external_id, "externalId", MAX_TEXT)
    active = True if state.active is None else bool(state.active)

    if email != user.email and auth_service.find_user_by_email(session, email) is not None:
        raise UniquenessException(detail=f"Another account signs in with {email}.")
    row = session.get(ScimUser, user.id, populate_existing=True)
    other = session.exec(select(ScimUser).where(ScimUser.user_name_key == user_key(user_name),
                                                ScimUser.user_id != user.id)).first()
    if other is not None:
        raise UniquenessException(detail=f"Another User has the userName {user_name!r}.")
    if not active and user.active and user.role == "admin" and not [a for a in admins if a.id != user.id]:
        raise ConflictException(detail="This is the only active administrator: it cannot be deactivated.")

    try:
        user.email, user.display_name = email, display
        session.add(user)
        row = row or ScimUser(user_id=user.id, user_name=user_name, user_name_key=user_key(user_name))
        row.user_name, row.user_name_key = user_name, user_key(user_name)
        row.external_id, row.attributes = external_id, kept
        session.add(row)
        profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).first()
        if profile is not None and profile.department != department:
            profile.department = department
            session.add(profile)
        if active != bool(user.active):
            audit.record(session, actor_id=None, action="user_activated" if active else "user_deactivated",
                         target_type="user", target_id=user.id, via="scim", token=token_id)
            # The administrators' own service: ends every session and token on deactivation; commits.
            auth_service.set_active(session=session, user=user, active=active)
        else:
            session.commit()
    except IntegrityError:  # the same address or userName written by another request at the same moment
        session.rollback()
        raise UniquenessException(detail=f"Another account has the userName {user_name!r} or the address "
                                         f"{email}.") from None


def _conflict_on_address(exc: Conflict) -> UniquenessException:
    return UniquenessException(detail=exc.message)


@retrying
def create_user(*, session: Session, resource: Any, token_id: int, base_url: str) -> ScimUserModel:
    """Create an account (employee, no password: it signs in through single sign-on or an activation link an
    administrator sends) from a SCIM User. Commits.

    Raises UniquenessException (409) when the userName or the address is taken, InvalidValueException (400)
    for a value Empathy cannot keep."""
    email = _email_of(resource)
    user_name = _text(resource.user_name, "userName", MAX_TEXT)
    begin_write(session)
    if user_name and session.exec(select(ScimUser).where(ScimUser.user_name_key == user_key(user_name))).first():
        raise UniquenessException(detail=f"Another User has the userName {user_name!r}.")
    try:
        user = auth_service.add_account(session, email=email, display_name=email.partition("@")[0])
    except Conflict as exc:
        raise _conflict_on_address(exc) from None
    audit.record(session, actor_id=None, action="user_created", target_type="user", target_id=user.id,
                 via="scim", token=token_id)
    admins = lock_rows(session, User, User.role == "admin", User.active.is_(True))
    _write(session, user, resource, admins=admins, token_id=token_id)
    return get_user(session=session, resource_id=str(user.id), base_url=base_url)


@retrying
def replace_user(*, session: Session, resource_id: str, resource: Any, token_id: int,
                 base_url: str) -> ScimUserModel:
    """PUT: the account takes the attributes sent; those left out are cleared (department, name,
    externalId). Commits. Raises NotFoundException, UniquenessException, InvalidValueException,
    ConflictException (deactivating the only active administrator)."""
    admins, user = _lock_admins_and(session, _user_id(resource_id))
    _write(session, user, resource, admins=admins, token_id=token_id)
    return get_user(session=session, resource_id=resource_id, base_url=base_url)


@retrying
def patch_user(*, session: Session, resource_id: str, patch: PatchOp, token_id: int,
               base_url: str) -> ScimUserModel:
    """PATCH (add, replace, remove; `active` included) applied by scim2-models to the account's resource,
    then written as a PUT of the result. Commits. Raises as `replace_user`, and the SCIM errors of the
    operations themselves (invalidPath, mutability on `groups`, noTarget)."""
    admins, user = _lock_admins_and(session, _user_id(resource_id))
    resource = to_resource(user, _Loaded(session, [user]), base_url)
    patch.patch(resource)
    _write(session, user, resource, admins=admins, token_id=token_id)
    return get_user(session=session, resource_id=resource_id, base_url=base_url)


def delete_user(*, session: Session, resource_id: str, token_id: int) -> None:
    """Erase the account and its personal data (as its owner's own deletion does). Commits.

    Raises NotFoundException, or ConflictException for the only active administrator."""
    try:
        account_data.erase_account(session=session, user_id=_user_id(resource_id), via="scim", token=token_id)
    except NotFound:
        raise NotFoundException(detail=f"No User {resource_id!r}.") from None
    except Conflict as exc:
        raise ConflictException(detail=exc.message) from None
