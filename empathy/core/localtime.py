"""Wall-clock times in the organisation's time zone, read and reckoned without surprises.

Two rules hold everywhere a local time or a local day is involved:

* **Intervals are half-open.** A need runs over ``[starts_at, ends_at)``: one that ends at exactly
  00:00 does not touch the day that begins then (`local_dates`, `hours_on`, `runs_between`). A need that
  lasts no time at all (start = end) belongs to the day it is on.
* **A local time must exist and means one instant.** A time inside a daylight-saving gap (02:30 on
  the spring-forward night in New York) does not exist: `local_datetime` refuses it with
  `NonexistentTime`. A time that happens twice (01:30 on the fall-back night) is read as its *first*
  occurrence, the one before the clocks go back (``fold=0``).

Pure functions of ``zoneinfo`` and ``datetime``: no Flask, no database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo


class NonexistentTime(ValueError):
    """A wall-clock time that the clocks skip that day in that zone (a daylight-saving gap)."""


def is_ambiguous(naive: datetime, tz: tzinfo) -> bool:
    """Whether this wall-clock time happens twice that day in `tz` (the clocks go back over it)."""
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()


def local_datetime(naive: datetime, tz: tzinfo) -> datetime:
    """The aware datetime of a wall-clock time in `tz`.

    An ambiguous time is read as its first occurrence (fold=0). Raises NonexistentTime for a time in a
    daylight-saving gap. An aware `naive` is returned unchanged (it already names one instant).
    """
    if naive.tzinfo is not None:
        return naive
    aware = naive.replace(tzinfo=tz, fold=0)
    try:
        back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError:  # within a day of year 1 or 9999: no daylight saving there; callers refuse the year
        return aware
    if back != naive:
        raise NonexistentTime(f"{naive:%Y-%m-%d %H:%M} does not exist in {tz}")
    return aware


def day_start(day: date, tz: tzinfo) -> datetime:
    """The first instant (UTC) of a local day. Where midnight itself falls in a gap, the day starts when
    the clocks jump: zoneinfo reads the missing 00:00 with the offset before the jump, which is that instant."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def local_dates(starts_at: datetime, ends_at: datetime, tz: tzinfo) -> list[date]:
    """The local dates a run over ``[starts_at, ends_at)`` touches, in order (aware datetimes).

    An end at exactly local midnight does not touch the day that begins then; a run of no length is on
    the day of its start.
    """
    first = starts_at.astimezone(tz).date()
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if ends_at <= starts_at:
        return [first]
    last = (ends_at - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def hours_on(starts_at: datetime, ends_at: datetime, day: date, tz: tzinfo) -> float:
    """How many hours of ``[starts_at, ends_at)`` fall on the local `day` (0.0 when none).

    Real elapsed hours: a need from 00:00 to 06:00 on a spring-forward day lasts 5 of them.
    """
    # In UTC: Python compares and subtracts two datetimes of the same zone by their wall clocks.
    lo = max(starts_at.astimezone(UTC), day_start(day, tz))
    hi = min(ends_at.astimezone(UTC), day_start(day + timedelta(days=1), tz))
    return max(0.0, (hi - lo).total_seconds() / 3600)


def runs_between(starts_at: datetime, ends_at: datetime, lo: datetime, hi: datetime) -> bool:
    """Whether a run over ``[starts_at, ends_at)`` meets the window ``[lo, hi)``; a run of no length
    meets it when its moment is inside it."""
    starts_at, ends_at, lo, hi = (moment.astimezone(UTC) for moment in (starts_at, ends_at, lo, hi))
    if ends_at <= starts_at:
        return lo <= starts_at < hi
    return starts_at < hi and ends_at > lo
