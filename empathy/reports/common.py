"""Shared pieces of the impact reports: the date range, report tables and labels.

Every figure in the reports is a sum of *approved* hours records. `worked_on` is a local date
in the organisation's time zone, so a range of local dates filters it directly; timestamps
(a need's start or end, stored in UTC) are compared with the range's local midnights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from empathy.core.errors import ServiceError
from empathy.core.labels import localized
from empathy.data import load_causes
from empathy.models import HoursRecord, HoursStatus

# Dates outside these bounds are refused: they keep month lists short and datetimes valid.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_RANGE_DAYS = 366 * 20

# A literal, not a bound parameter: SQLite uses a partial index only when the query's
# WHERE repeats the index's condition word for word.
APPROVED = sa.text(f"hours_records.status = '{HoursStatus.APPROVED}'")


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of local dates in the organisation's time zone."""

    start: date
    end: date
    tz: str = "Asia/Shanghai"

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The UTC instants of local midnight on `start` and of the midnight after `end`."""
        zone = ZoneInfo(self.tz)
        lo = datetime.combine(self.start, time.min, tzinfo=zone).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
        return lo, hi

    def months(self) -> list[date]:
        """The first day of every calendar month the range touches."""
        out, current = [], self.start.replace(day=1)
        while current <= self.end:
            out.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return out


def worked_in(r: DateRange) -> sa.ColumnElement[bool]:
    """Approved hours records worked on a day of the range (both ends included)."""
    return sa.and_(APPROVED, HoursRecord.worked_on >= r.start, HoursRecord.worked_on <= r.end)


def parse_range(raw_from: str | None, raw_to: str | None, *, today: date, tz: str) -> DateRange:
    """Read ISO dates from a query string; empty means this calendar year."""
    start = _parse_day(raw_from, "from") or date(today.year, 1, 1)
    end = _parse_day(raw_to, "to") or date(today.year, 12, 31)
    if end < start:
        raise ServiceError(_l("The end date must be on or after the start date."), field="to")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ServiceError(_l("Choose a range of at most 20 years."), field="to")
    return DateRange(start, end, tz)


def _parse_day(raw: str | None, name: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw[:10]) if len(raw) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ServiceError(_l("Enter a date as YYYY-MM-DD."), field=name)
    if not EARLIEST <= day <= LATEST:
        raise ServiceError(_l("Enter a date between 2000 and 2100."), field=name)
    return day


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy string
    kind: str = "text"  # text, hours, int, pct, month


@dataclass
class Table:
    """One report table: the page shows it beside its chart, the exports write it whole."""

    name: str
    title: object
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    label_key: str = "label"
    value_key: str = "hours"

    @property
    def total(self) -> float:
        return round(sum(row.get(self.value_key) or 0 for row in self.rows), 2)


def hours_col() -> Column:
    return Column("hours", _l("Approved hours"), "hours")


def share_col() -> Column:
    return Column("share", _l("Share of hours"), "pct")


def add_shares(rows: list[dict], total: float) -> list[dict]:
    """Give every row its share of the total hours (0 to 1)."""
    for row in rows:
        row["share"] = (row["hours"] / total) if total else 0.0
    return rows


def cause_labels(lang: str) -> dict[str, str]:
    """Cause codes mapped to their label in the language (English for anything else)."""
    return {c["code"]: localized(c, lang) for c in load_causes()}


def hours_value(value) -> float:
    """Hours as the database summed them, rounded to hundredths (None is no hours)."""
    return round(float(value or 0), 2)
