"""The fitted matching model's versions and the lock that lets one refit run at a time (empathy.suggestions.store)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime, utcnow


class MatchModel(SQLModel, table=True):
    """One stored version of the fitted model. Every web process follows the newest usable row.

    The model itself is either a file named `location` in the shared model directory (MATCH_MODEL_DIR)
    or, with MATCH_MODEL_STORE = "database", the `payload` bytes of this row (a joblib file). `library`
    is the JSON of the library versions it was saved with (a process running others refits, never
    loads it); `until` the moment up to which it read the rows (later changes are folded in by each
    process). The row is written after the model, so a row always names a complete model.
    """

    __tablename__ = "match_models"

    version: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    until: datetime = Field(sa_type=UTCDateTime, nullable=False)
    fitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    employees: int = Field(default=0)
    needs: int = Field(default=0)
    seconds: float = Field(default=0.0)
    size_bytes: int = Field(default=0)
    library: str = Field(default="", max_length=400)
    model_format: int = Field(default=0)
    location: str | None = Field(default=None, max_length=200)
    payload: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary, nullable=True))


class MatchRefitLock(SQLModel, table=True):
    """The one row (id 1) that says who refits now: taken and released with conditional UPDATEs.

    `holder` names the process (host:pid:random) while it refits, until `lease_until` at the latest (a
    worker that died frees it that way); `pending` asks the holder for one more refit once it is done
    (a refit asked for while one ran, which must read the rows as they are after it).
    """

    __tablename__ = "match_refit_lock"

    id: int = Field(default=1, primary_key=True)
    holder: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    pending: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The forget flag of a pending refit: the next refit keeps no older version (an account was deleted).
    pending_forget: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
