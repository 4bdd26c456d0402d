"""Whether a need can take volunteers now: one rule, as a Python predicate and as a SQL filter.

A need is joinable while it is open (or filled with a seat given back), has a seat left and has
not started. Every place that suggests, lists as open, or offers "Volunteer" / "Invite" asks this
module, so a need that started this morning is neither suggested nor offered anywhere.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from empathy.core.db import utcnow
from empathy.models import Need, NeedStatus

# Statuses in which a need can still take a seat (FILLED opens again when a seat is given back).
SEAT_STATUSES = (NeedStatus.OPEN, NeedStatus.FILLED)


def not_joinable_reason(need: Need, now: datetime | None = None) -> str | None:
    """Why the need cannot take volunteers now (a translated sentence), or None when it can."""
    now = now or utcnow()
    if need.status == NeedStatus.CANCELLED:
        return str(_l("This need was cancelled."))
    if need.status not in SEAT_STATUSES:
        return str(_l("This need is not open for volunteers."))
    if need.seats_taken >= need.seats:
        return str(_l("Every seat of this need is taken."))
    if need.starts_at <= now:
        return str(_l("This need has already started."))
    return None


def is_joinable(need: Need, now: datetime | None = None) -> bool:
    """True when the need is open, has a seat left and has not started (UTC `now`, default the clock)."""
    return not_joinable_reason(need, now) is None


def joinable_clause(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """The SQL form of `is_joinable`, for a WHERE over `needs`; `now` may be a bound parameter."""
    now = utcnow() if now is None else now
    return sa.and_(Need.status.in_(SEAT_STATUSES), Need.seats_taken < Need.seats, Need.starts_at > now)


def has_started(need: Need, now: datetime | None = None) -> bool:
    """Whether the need has begun (hours can be logged from then on)."""
    return need.starts_at <= (now or utcnow())
