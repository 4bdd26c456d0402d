"""Submissions already carried out: one row per form token or Idempotency-Key that created something."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime, utcnow


class FormSubmission(SQLModel, table=True):
    """A create request that succeeded, written in the transaction of what it created.

    `key` is a SHA-256 digest of the channel (web form or API), the user and the token the client
    sent, so each user's tokens and keys are their own and none is stored in clear. A second request
    with the same token finds the row (or, at the same moment, fails on the primary key) and is
    answered with what the first one created: `kind` and `target_id` (for a batch, such as
    invitations, how many it made). `fingerprint` is a digest of an
    API request's method, path and body, `status` the status the first answer had.
    """

    __tablename__ = "form_submissions"

    key: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=40)
    target_id: int | None = Field(default=None)
    fingerprint: str = Field(default="", max_length=64)
    status: int = Field(default=200)
    # Indexed: `flask prune-submissions` deletes by age.
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
