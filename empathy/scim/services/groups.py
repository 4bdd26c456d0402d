"""SCIM Groups (RFC 7644 §3): the three role groups, and the groups a provisioning system pushes.

`employee`, `coordinator` and `admin` are groups whose id is the role: their members are the accounts
with that role, and changing their members changes roles (audited like an administrator's change). An
account leaving the coordinator or admin group becomes an employee; everyone without a higher role is
in the employee group, so removing someone from it changes nothing. The only active administrator
cannot be removed from the admin group. Other groups (Entra ID and Okta push the groups an application
is assigned to) are kept with their members, and grant nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from scim2_models import (
    ConflictException,
    ForbiddenException,
    Group,
    GroupMember,
    InvalidFilterException,
    InvalidValueException,
    Meta,
    MutabilityException,
    NotFoundException,
    PatchOp,
    ScimFilter,
    UniquenessException,
)
from scim2_models.path.expressions import CompareOperator, Comparison
from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core import audit
from empathy.core.db import begin_write, lock_rows, retrying
from empathy.models import ROLES, ScimGroup, ScimGroupMember, User
from empathy.scim.services.resources import MAX_RESULTS
from empathy.scim.services.users import MAX_TEXT, _text

RANK = {"employee": 0, "coordinator": 1, "admin": 2}
SUPPORTED_FILTERS = 'displayName, id or externalId with "eq" (e.g. displayName eq "coordinator")'


def _members(base_url: str, user_ids: list[int]) -> list[GroupMember]:
    return [GroupMember(value=str(i), ref=f"{base_url}/Users/{i}") for i in sorted(user_ids)]


def _role_group(session: Session, role: str, base_url: str, with_members: bool) -> Group:
    ids = list(session.exec(select(User.id).where(User.role == role)).all()) if with_members else []
    return Group(id=role, display_name=role, members=_members(base_url, ids) or None,
                 meta=Meta(resource_type="Group", location=f"{base_url}/Groups/{role}"))


def _stored_group(session: Session, group: ScimGroup, base_url: str, with_members: bool) -> Group:
    ids = list(session.exec(select(ScimGroupMember.user_id).where(ScimGroupMember.group_id == group.id)).all()) \
        if with_members else []
    return Group(id=group.id, external_id=group.external_id, display_name=group.display_name,
                 members=_members(base_url, ids) or None,
                 meta=Meta(resource_type="Group", location=f"{base_url}/Groups/{group.id}",
                           created=group.created_at, last_modified=group.updated_at))


def get_group(*, session: Session, resource_id: str, base_url: str, with_members: bool = True) -> Group:
    """One group; NotFoundException (404) when there is none."""
    if resource_id in ROLES:
        return _role_group(session, resource_id, base_url, with_members)
    group = session.get(ScimGroup, resource_id[:36], populate_existing=True)
    if group is None:
        raise NotFoundException(detail=f"No Group {resource_id!r}.")
    return _stored_group(session, group, base_url, with_members)


def _filter(expression: str | None) -> tuple[str, str] | None:
    if not expression or not expression.strip():
        return None
    node = ScimFilter[Group](expression).ast  # InvalidFilterException when it does not parse
    if isinstance(node, Comparison) and node.op == CompareOperator.eq and not node.attr_path.sub_attr:
        attribute = node.attr_path.attr.lower()
        if attribute in ("displayname", "id", "externalid"):
            return attribute, str(node.value)
    raise InvalidFilterException(detail=f"This server filters Groups by {SUPPORTED_FILTERS}.")


def list_groups(*, session: Session, filter: str | None, start_index: int, count: int, base_url: str,
                with_members: bool = True) -> tuple[int, list[Group]]:
    """A page of groups, the role groups first: (how many match in all, the groups from `start_index`)."""
    wanted = _filter(filter)
    roles = list(ROLES)
    statement = select(ScimGroup)
    if wanted is not None:
        attribute, value = wanted
        if attribute == "displayname":
            roles = [r for r in roles if r == value.strip().lower()]
            statement = statement.where(ScimGroup.display_name_key == value.strip().lower())
        elif attribute == "id":
            roles = [r for r in roles if r == value]
            statement = statement.where(ScimGroup.id == value[:36])
        else:
            roles = []
            statement = statement.where(ScimGroup.external_id == value)
    stored_total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    total = len(roles) + stored_total
    count = max(0, min(count, MAX_RESULTS))
    first = max(start_index, 1) - 1
    out = [_role_group(session, r, base_url, with_members) for r in roles[first:first + count]]
    if len(out) < count:
        offset = max(0, first - len(roles))
        for group in session.exec(statement.order_by(ScimGroup.created_at, ScimGroup.id)
                                  .offset(offset).limit(count - len(out))).all():
            out.append(_stored_group(session, group, base_url, with_members))
    return total, out


def _member_ids(session: Session, group: Any) -> set[int]:
    ids: set[int] = set()
    for member in group.members or []:
        value = str(member.value or "")
        if not value.isdigit() or len(value) > 18:
            raise InvalidValueException(detail=f"members: {value!r} is not the id of a User.")
        ids.add(int(value))
    if ids:
        found = set(session.exec(select(User.id).where(User.id.in_(ids))).all())
        if ids - found:
            raise InvalidValueException(detail=f"members: no User {sorted(ids - found)[0]}.")
    return ids


def _set_role_members(session: Session, role: str, wanted: Any, token_id: int) -> None:
    """Give `role` to the accounts listed, and (coordinator, admin) take it from those not listed."""
    if (wanted.display_name or role).strip().lower() != role:
        raise MutabilityException(detail="The role groups cannot be renamed.")
    begin_write(session)
    admins = lock_rows(session, User, User.role == "admin", User.active.is_(True))
    ids = _member_ids(session, wanted)
    changes: dict[int, str] = {}
    for user in lock_rows(session, User, User.id.in_(ids)):
        if user.role != role:
            changes[user.id] = role
    if role != "employee":
        for user_id in session.exec(select(User.id).where(User.role == role)).all():
            if user_id not in ids:
                changes[user_id] = "employee"
    promoted = set(session.exec(select(User.id).where(User.id.in_(ids), User.active.is_(True))).all()) \
        if role == "admin" else set()
    remaining = {a.id for a in admins if changes.get(a.id, "admin") == "admin"} | promoted
    if admins and not remaining:
        raise ConflictException(detail="The only active administrator cannot leave the admin group.")
    for user in lock_rows(session, User, User.id.in_(list(changes))):
        audit.record(session, actor_id=None, action="role_changed", target_type="user", target_id=user.id,
                     old=user.role, new=changes[user.id], via="scim", token=token_id)
        user.role = changes[user.id]
        session.add(user)
    session.commit()


def _name(value: Any) -> str:
    name = _text(value, "displayName", MAX_TEXT)
    if not name:
        raise InvalidValueException(detail="displayName is required.")
    return name


def _check_name_free(session: Session, name: str, group_id: str | None) -> None:
    key = name.lower()
    if key in ROLES:
        raise UniquenessException(detail=f"{name!r} is a role group, which exists already: add members to it.")
    other = session.exec(select(ScimGroup).where(ScimGroup.display_name_key == key)).first()
    if other is not None and other.id != group_id:
        raise UniquenessException(detail=f"Another Group is called {name!r}.")


def _store(session: Session, group: ScimGroup, wanted: Any) -> None:
    name = _name(wanted.display_name)
    _check_name_free(session, name, group.id)
    ids = _member_ids(session, wanted)
    group.display_name, group.display_name_key = name, name.lower()
    group.external_id = _text(wanted.external_id, "externalId", MAX_TEXT)
    try:
        session.add(group)
        session.flush()
        session.execute(delete(ScimGroupMember).where(ScimGroupMember.group_id == group.id))
        session.add_all([ScimGroupMember(group_id=group.id, user_id=i) for i in sorted(ids)])
        session.commit()
    except IntegrityError:  # a group of that name made, or a member deleted, by another request meanwhile
        session.rollback()
        raise ConflictException(detail=f"The Group {name!r} or one of its members changed at the same time; "
                                       "read it again and retry.") from None


@retrying
def create_group(*, session: Session, resource: Any, token_id: int, base_url: str) -> Group:
    """Keep a pushed group and its members. Commits. UniquenessException (409) for a name taken (the role
    groups' included), InvalidValueException (400) for a member that is not a User."""
    begin_write(session)
    group = ScimGroup(id=str(uuid.uuid4()), display_name="", display_name_key="")
    _store(session, group, resource)
    return get_group(session=session, resource_id=group.id, base_url=base_url)


@retrying
def replace_group(*, session: Session, resource_id: str, resource: Any, token_id: int, base_url: str) -> Group:
    """PUT: a role group's members become those listed (roles change); another group takes the name,
    externalId and members sent. Commits."""
    if resource_id in ROLES:
        _set_role_members(session, resource_id, resource, token_id)
    else:
        begin_write(session)
        group = session.get(ScimGroup, resource_id[:36], populate_existing=True)
        if group is None:
            raise NotFoundException(detail=f"No Group {resource_id!r}.")
        _store(session, group, resource)
    return get_group(session=session, resource_id=resource_id, base_url=base_url)


@retrying
def patch_group(*, session: Session, resource_id: str, patch: PatchOp, token_id: int, base_url: str) -> Group:
    """PATCH (add or remove members, rename, ...) applied by scim2-models to the group, then written as a PUT
    of the result. Commits."""
    begin_write(session)
    resource = get_group(session=session, resource_id=resource_id, base_url=base_url)
    patch.patch(resource)
    return replace_group(session=session, resource_id=resource_id, resource=resource, token_id=token_id,
                         base_url=base_url)


@retrying
def delete_group(*, session: Session, resource_id: str, token_id: int) -> None:
    """Forget a pushed group (its members keep their accounts). Commits. The role groups cannot be deleted
    (ForbiddenException, 403)."""
    if resource_id in ROLES:
        raise ForbiddenException(detail="The role groups cannot be deleted; change their members instead.")
    begin_write(session)
    group = session.get(ScimGroup, resource_id[:36])
    if group is None:
        raise NotFoundException(detail=f"No Group {resource_id!r}.")
    session.delete(group)
    audit.record(session, actor_id=None, action="scim_group_deleted", target_type="scim_group", token=token_id)
    session.commit()
