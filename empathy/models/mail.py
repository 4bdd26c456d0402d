"""E-mail on its way out: every message is kept here, and sent when SMTP is configured."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field, one_of

OUTBOX_STATUSES = ("queued", "sent", "failed", "logged")


class OutboxMessage(SQLModel, table=True):
    """One e-mail. With no SMTP server configured it stays here (and in the log) as `logged`."""

    __tablename__ = "outbox_messages"
    __table_args__ = (one_of("status", OUTBOX_STATUSES, "status"),)

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)
    # What the message is about, e.g. "activation" or "invitation:12", so a job sends it once.
    kind: str = Field(default="", max_length=80, index=True)
    status: str = Field(default="queued", max_length=20, index=True)
    error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
