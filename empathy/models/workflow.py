"""The volunteering workflow's own tables: notifications, credentials and reminders."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field, one_of, updated_at_field

# Checks some sensitive work asks for (labels live in services.credentials).
CREDENTIAL_KINDS = ("background_check", "first_aid", "health_certificate", "driving_licence")


class Notification(SQLModel, table=True):
    """A message for one user, kept as a kind plus parameters so it shows in the reader's language."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    params: dict = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    link: str = Field(default="", max_length=300)
    # The need it is about, for the notices its coordinator sees on the need's page (who was told).
    need_id: int | None = Field(default=None, foreign_key="needs.id", ondelete="CASCADE", index=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = created_at_field()


class Credential(SQLModel, table=True):
    """A check an employee holds (e.g. a background check), valid until its expiry once verified."""

    __tablename__ = "credentials"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", name="uq_credentials_user_kind"),
        one_of("kind", CREDENTIAL_KINDS, "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=40)
    reference: str = Field(default="", max_length=120)
    expires_on: date
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    verified_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class NeedCredential(SQLModel, table=True):
    """A credential every confirmed volunteer of a need must hold."""

    __tablename__ = "need_credentials"
    __table_args__ = (
        sa.UniqueConstraint("need_id", "kind", name="uq_need_credentials_need_kind"),
        one_of("kind", CREDENTIAL_KINDS, "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="needs.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=40)


class MatchReminder(SQLModel, table=True):
    """The start reminder sent for one match and one scheduled start: unique together, it goes out once
    per start, and again when the need moves to a new one."""

    __tablename__ = "match_reminders"
    __table_args__ = (sa.UniqueConstraint("match_id", "starts_at", name="uq_match_reminders_match_start"),)

    id: int | None = Field(default=None, primary_key=True)
    match_id: int = Field(foreign_key="matches.id", ondelete="CASCADE", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime = created_at_field()


class CalendarFeed(SQLModel, table=True):
    """A user's secret calendar subscription link; only a SHA-256 digest of its token is kept."""

    __tablename__ = "calendar_feeds"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", unique=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
