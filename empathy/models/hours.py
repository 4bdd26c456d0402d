"""Volunteering hours and their approval."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field, one_of, updated_at_field
from empathy.models.statuses import HoursStatus, StatusType

HOURS_STATUSES = tuple(HoursStatus)  # the CHECK constraint's value list


class HoursRecord(SQLModel, table=True):
    """Hours a volunteer gave on one day, with the department they were in then."""

    __tablename__ = "hours_records"
    __table_args__ = (
        one_of("status", HOURS_STATUSES, "status"),
        sa.CheckConstraint("hours > 0 AND hours <= 24", name="hours"),
        sa.CheckConstraint(
            f"(status = '{HoursStatus.REJECTED}') = (rejection_reason IS NOT NULL)", name="rejection_reason"
        ),
        # Reports read only approved hours: partial covering indexes keep the dashboard under
        # a second at a million records (benchmarks/RESULTS_reports.md). The queries repeat
        # the condition word for word, or SQLite does not use them.
        sa.Index(
            "ix_hours_records_approved_report",
            "worked_on", "need_id", "user_id", "department", "hours",
            sqlite_where=sa.text(f"status = '{HoursStatus.APPROVED}'"),
            postgresql_where=sa.text(f"status = '{HoursStatus.APPROVED}'"),
        ),
        sa.Index(
            "ix_hours_records_approved_department",
            "department", "worked_on", "hours",
            sqlite_where=sa.text(f"status = '{HoursStatus.APPROVED}'"),
            postgresql_where=sa.text(f"status = '{HoursStatus.APPROVED}'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="needs.id", ondelete="RESTRICT", index=True)
    # Both survive the employee's account deletion as NULL: reports keep the hours.
    match_id: int | None = Field(default=None, foreign_key="matches.id", ondelete="SET NULL", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", index=True)
    hours: float
    worked_on: date = Field(index=True)
    note: str = Field(default="", sa_type=sa.Text)
    # Reports group by this, so moving people between departments does not rewrite history.
    department: str = Field(default="", max_length=120, index=True)
    status: HoursStatus = Field(default=HoursStatus.PENDING, sa_type=StatusType(HoursStatus), index=True)
    reviewed_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejection_reason: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
