"""Pieces shared by the tables: timestamps and CHECK helpers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from empathy.core.db import UTCDateTime, utcnow


def created_at_field() -> datetime:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def updated_at_field(*, index: bool = False) -> datetime:
    """Set on every UPDATE; indexed where the matcher looks for rows changed since a time."""
    return Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        index=index,
        sa_column_kwargs={"onupdate": utcnow},
    )


def one_of(column: str, values: tuple[str, ...], name: str, *, nullable: bool = False) -> sa.CheckConstraint:
    """A named CHECK that keeps a plain string column within a value list."""
    allowed = ", ".join(f"'{v}'" for v in values)
    expr = f"{column} IN ({allowed})"
    if nullable:
        expr = f"{column} IS NULL OR {expr}"
    return sa.CheckConstraint(expr, name=name)
