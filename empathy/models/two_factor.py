"""Two-factor sign-in: a TOTP authenticator app, with one-time recovery codes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field


class TwoFactor(SQLModel, table=True):
    """A user's confirmed authenticator; the row exists only while two-factor sign-in is on."""

    __tablename__ = "two_factor"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    # The shared TOTP secret (base32), sealed with a key kept out of the database (core.crypto): the
    # server must read it back to check codes, but a copy of the database alone must not give it away.
    sealed_secret: str = Field(max_length=255)
    # The last time step a code was accepted for: a code works once, even within its 30 seconds.
    last_step: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    # Salted scrypt hashes of the recovery codes not used yet.
    recovery_hashes: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
