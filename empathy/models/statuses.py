"""The statuses a need, a match and an hours record can be in, as StrEnums.

A member equals, hashes and prints as its stored value (`MatchStatus.CONFIRMED == "confirmed"`),
so templates and JSON keep seeing plain strings. The order of the members is the order of the
values in the tables' CHECK constraints: keep it, or the constraint text changes. Which match
status may follow which is declared in `empathy.volunteering.lifecycle`.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel.sql.sqltypes import AutoString


class NeedStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    FILLED = "filled"  # every seat taken; opens again when one is given back
    CLOSED = "closed"  # no longer takes volunteers, may be reopened
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class MatchStatus(StrEnum):
    SUGGESTED = "suggested"  # the row exists, the employee has not been asked
    INVITED = "invited"
    VOLUNTEERED = "volunteered"  # awaits the coordinator's approval
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    REJECTED = "rejected"
    REMOVED = "removed"
    WITHDRAWN = "withdrawn"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class HoursStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class StatusType(sa.types.TypeDecorator):
    """A status stored as VARCHAR and read back as a member of its StrEnum.

    Binding refuses a value outside the enum (ValueError) before the CHECK constraint would, and
    sends the plain string: a driver never sees the enum (psycopg dumps bare Enums by name).
    """

    impl = AutoString
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int = 20):
        super().__init__(length=length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)
