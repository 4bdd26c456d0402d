"""Employee imports run by the task queue: the uploaded file, its state, progress and report."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field, one_of, updated_at_field

# queued: waiting for a worker; running: a worker checks or writes it; done: checked (a dry run) or written;
# failed: nothing was written, and the report says why (the bad rows, a problem of the file, an error).
IMPORT_STATES = ("queued", "running", "done", "failed")


class ImportJob(SQLModel, table=True):
    """One uploaded CSV of employees and what became of it.

    `content` is the file, kept until a worker has run the import. `rows_done` is the progress stored at the
    end of each phase (the live figure, written while the import's own transaction is open, is kept in the
    queue's storage: see empathy.admin.services.import_jobs). `links_sealed` holds the new accounts'
    activation links, sealed with a key kept out of the database, for the administrator who started the
    import; they are deleted once retrieved, dismissed or at `links_expire_at`.
    """

    __tablename__ = "import_jobs"
    __table_args__ = (one_of("state", IMPORT_STATES, "state"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(default="queued", max_length=10, index=True)
    dry_run: bool = Field(default=False)
    filename: str = Field(default="", max_length=255)
    # The language the administrator used: the report's messages are written in it.
    language: str = Field(default="en", max_length=8)
    content: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    rows_total: int = Field(default=0)
    rows_done: int = Field(default=0)
    # The ImportReport as JSON (counts, errors, warnings, rows, new skills), or {"message": ...} for a failure.
    report: dict | None = Field(default=None, sa_type=sa.JSON)
    links_sealed: str | None = Field(default=None, sa_type=sa.Text)
    links_expire_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", index=True)
    created_at: datetime = created_at_field()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = updated_at_field()
