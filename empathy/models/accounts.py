"""Users and their server-side sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field, one_of, updated_at_field

ROLES = ("employee", "coordinator", "admin")
LANGUAGE_CODES = ("en", "zh")


class UserBase(SQLModel):
    email: str = Field(max_length=254)
    display_name: str = Field(max_length=120)
    role: str = Field(default="employee", max_length=20)
    preferred_language: str | None = Field(default=None, max_length=8)


class User(UserMixin, UserBase, table=True):
    """Anyone who signs in. The mixin comes first, or instances cannot be hashed."""

    __tablename__ = "users"
    __table_args__ = (
        one_of("role", ROLES, "role"),
        one_of("preferred_language", LANGUAGE_CODES, "preferred_language", nullable=True),
        # Stored lower-cased, so the unique index is a case-insensitive one.
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        # SQLite would otherwise hand the largest id out again after that account is deleted,
        # and ids appear in links, tokens, audit entries and anonymised hours.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    # None until an imported employee sets a password through their activation link.
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field(index=True)

    @property
    def is_active(self) -> bool:  # Flask-Login's mixin always says True
        return bool(self.active)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_coordinator(self) -> bool:
        return self.role in ("coordinator", "admin")


class UserSession(SQLModel, table=True):
    """One signed-in browser. Logout revokes it; the cookie alone is not enough."""

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
