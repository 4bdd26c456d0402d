"""Personal access tokens for the JSON API."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field


class ApiToken(SQLModel, table=True):
    """A bearer token a user created; only an HMAC of the secret is kept."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    # An HMAC of the password hash when the token was made: a new password ends the token.
    password_mark: str = Field(default="", max_length=64)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
