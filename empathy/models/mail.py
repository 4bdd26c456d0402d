"""E-mail on its way out: every message is kept here, and sent when SMTP is configured."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field, one_of

# queued: waiting (again, after a failed attempt, from `next_attempt_at`); sending: claimed by one sender;
# sent; failed: refused for good or out of attempts; logged: kept here because no SMTP server is configured.
OUTBOX_STATUSES = ("queued", "sending", "sent", "failed", "logged")


class OutboxMessage(SQLModel, table=True):
    """One e-mail. With no SMTP server configured it stays here (and in the log) as `logged`.

    A sender claims a message (queued -> sending, with its own `claimed_by` token) before it sends it, so two
    senders never send the same message; a claim older than empathy.core.mail.CLAIM_TIMEOUT is taken to be
    a sender that died, and the message can be claimed again.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (one_of("status", OUTBOX_STATUSES, "status"),)

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)  # the plain-text part
    html_body: str | None = Field(default=None, sa_type=sa.Text)  # the HTML part (none: text only)
    # What the message is about, e.g. "activation" or "invitation:12", so a job sends it once.
    kind: str = Field(default="", max_length=80, index=True)
    status: str = Field(default="queued", max_length=20, index=True)
    error: str | None = Field(default=None, sa_type=sa.Text)
    # Sending attempts so far (each claim is one), and when a queued message may be tried again.
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
