"""Provisioning over SCIM 2.0: the tokens an HR system signs in with, the identity it gave each account,
the groups it pushes; and the installation's settings (the registration policy)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field, updated_at_field


class ProvisioningToken(SQLModel, table=True):
    """A bearer token for `/scim/v2`, made by an administrator; only an HMAC of the secret is kept.

    It belongs to the installation, not to the administrator who made it: their password change or
    departure does not cut the HR feed (a personal access token would end with either)."""

    __tablename__ = "provisioning_tokens"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ScimUser(SQLModel, table=True):
    """What the provisioning system calls an account: its userName, externalId and the attributes it sent
    that the account has no column for (kept so that what it wrote reads back the same)."""

    __tablename__ = "scim_users"

    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    user_name: str = Field(max_length=254)
    # userName is case-insensitive (RFC 7643 §4.1.1): unique on its lower-cased form.
    user_name_key: str = Field(max_length=254, unique=True)
    external_id: str | None = Field(default=None, max_length=254, index=True)
    attributes: dict = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class ScimGroup(SQLModel, table=True):
    """A group the provisioning system pushed that is not one of the role groups (those are the roles)."""

    __tablename__ = "scim_groups"

    id: str = Field(primary_key=True, max_length=36)  # a UUID: SCIM ids are strings, never reused
    display_name: str = Field(max_length=254)
    display_name_key: str = Field(max_length=254, unique=True)
    external_id: str | None = Field(default=None, max_length=254)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class ScimGroupMember(SQLModel, table=True):
    """One account in one pushed group."""

    __tablename__ = "scim_group_members"

    group_id: str = Field(foreign_key="scim_groups.id", ondelete="CASCADE", primary_key=True, max_length=36)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True, index=True)


class Setting(SQLModel, table=True):
    """One setting of the installation an administrator changes in the app (e.g. `registration`)."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True, max_length=40)
    value: dict = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    updated_at: datetime = updated_at_field()
