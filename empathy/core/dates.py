"""Named date and time formats: every date or time a person reads (pages, e-mails, notifications,
report labels) goes through one of these, in the reader's language and the organisation's time zone.

One style per language, never seconds, never a two-digit year:

=================  ===========================  ================================
function           English                      Chinese
=================  ===========================  ================================
format_day         19 Dec 2026                  2026年12月19日
format_time        09:00                        09:00
format_moment      19 Dec 2026, 09:00           2026年12月19日 09:00
format_when        19 Dec 2026, 09:00–17:00     2026年12月19日 09:00–17:00
(over two days)    19 Dec 2026, 09:00 –         2026年12月19日 09:00 –
                   20 Dec 2026, 17:00           2026年12月20日 17:00
format_days        19 Dec 2026 – 20 Dec 2026    2026年12月19日 – 2026年12月20日
format_month       Dec 2026                     2026年12月
(compact)          2026-12                      2026-12
=================  ===========================  ================================

A time zone reads by its name (format_zone: "China (Shanghai) Time" / "中国（上海）时间"), never by its IANA id,
and the pages' scripts write a chosen day with the same parts (intl_date_locale, static/js/dates.js).

Machine formats (CSV exports meant for re-import, iCalendar, JSON, <input type="date"> values) stay
ISO 8601 and do not come here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.dates import get_timezone_location
from flask import Flask
from flask_babel import get_locale, get_timezone
from jinja2 import pass_eval_context
from markupsafe import Markup, escape


@dataclass(frozen=True)
class Style:
    """CLDR patterns of one language (https://unicode.org/reports/tr35/tr35-dates.html)."""

    day: str
    month: str
    compact_month: str  # an axis label under a narrow column
    time: str
    between_day_and_time: str
    # The locale whose Intl.DateTimeFormat writes a day the same way, for the pages' scripts (static/js/dates.js):
    # "en-GB" says "1 Jan 2026" where "en" says "Jan 1, 2026".
    intl_locale: str


STYLES = {
    # Day before month: "19 Dec 2026" reads the same to every English reader, "12/19/26" does not.
    "en": Style(day="d MMM y", month="MMM y", compact_month="y-MM", time="HH:mm", between_day_and_time=", ",
                intl_locale="en-GB"),
    "zh": Style(day="y年M月d日", month="y年M月", compact_month="y-MM", time="HH:mm", between_day_and_time=" ",
                intl_locale="zh-CN"),
}
RANGE_DASH = " – "  # between two dates, or two date-times
TIME_DASH = "–"  # between two times of one day


def _context() -> tuple[str, object]:
    """The reader's language code ("en", "zh") and time zone; English and UTC outside an app."""
    try:
        locale, zone = get_locale(), get_timezone()
    except RuntimeError:  # no application context
        return "en", UTC
    language = locale.language if locale is not None else "en"
    return (language if language in STYLES else "en"), (zone or UTC)


def _local(value: datetime, zone) -> datetime:
    """A datetime in `zone`; a naive one is taken as UTC, as the database stores them."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


def _parse(value):
    """ISO 8601 text (as notification parameters keep datetimes) to a date or datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    return value


# Babel takes about a quarter of a millisecond per date, and a page of needs shows the same dates
# again and again. The value's tzinfo is in the key: aware datetimes at one instant compare equal.
@lru_cache(maxsize=8192)
def _format(kind: str, value, value_zone, end, end_zone, language: str, zone) -> str:
    style = STYLES[language]

    def day(v) -> str:
        v = _local(v, zone).date() if isinstance(v, datetime) else v
        return babel_date(v, style.day, locale=language)

    def clock(v: datetime) -> str:
        return babel_time(_local(v, zone).time(), style.time, locale=language)

    def moment(v: datetime) -> str:
        return day(v) + style.between_day_and_time + clock(v)

    if kind == "day":
        return day(value)
    if kind == "time":
        return clock(value)
    if kind == "moment":
        return moment(value) if isinstance(value, datetime) else day(value)
    if kind == "month":
        v = _local(value, zone).date() if isinstance(value, datetime) else value
        return babel_date(v, style.month, locale=language)
    if kind == "compact_month":
        v = _local(value, zone).date() if isinstance(value, datetime) else value
        return babel_date(v, style.compact_month, locale=language)
    if kind == "days":
        first, last = day(value), day(end)
        return first if first == last else first + RANGE_DASH + last
    if kind == "when":
        if _local(value, zone).date() == _local(end, zone).date():
            return moment(value) + TIME_DASH + clock(end)
        return moment(value) + RANGE_DASH + moment(end)
    raise ValueError(f"unknown date format {kind!r}")


def _run(kind: str, value, end=None) -> str:
    if value is None or value == "":
        return ""
    value, end = _parse(value), _parse(end)
    language, zone = _context()
    return _format(kind, value, getattr(value, "tzinfo", None), end, getattr(end, "tzinfo", None), language, zone)


def format_day(value: date | datetime | str | None) -> str:
    """A calendar day ("19 Dec 2026" / "2026年12月19日"); a datetime is first moved to the reader's zone.

    `value` may be a date, a datetime (naive means UTC) or ISO 8601 text; None or "" gives "".
    Raises ValueError for text that is not ISO 8601.
    """
    return _run("day", value)


def format_time(value: datetime | str | None) -> str:
    """A time of day in the reader's zone, 24-hour, without seconds ("09:00")."""
    return _run("time", value)


def format_moment(value: datetime | date | str | None) -> str:
    """A day and time ("19 Dec 2026, 09:00" / "2026年12月19日 09:00"); a bare date gives the day only."""
    return _run("moment", value)


def format_when(start: datetime | str | None, end: datetime | str | None = None) -> str:
    """A span of time: one date and two times when it starts and ends on one local day
    ("19 Dec 2026, 09:00–17:00"), else both day-and-times in the same style
    ("19 Dec 2026, 09:00 – 20 Dec 2026, 17:00"). Without an end, the start alone."""
    if end is None or end == "":
        return format_moment(start)
    return _run("when", start, end)


def format_days(first: date | datetime | str | None, last: date | datetime | str | None = None) -> str:
    """A span of whole days: one day ("19 Dec 2026") or both in the same style
    ("19 Dec 2026 – 20 Dec 2026"). Without a last day, the first alone."""
    if last is None or last == "":
        return format_day(first)
    return _run("days", first, last)


def format_month(value: date | datetime | str | None, compact: bool = False) -> str:
    """A month ("Dec 2026" / "2026年12月"); `compact` gives the axis label "2026-12"."""
    return _run("compact_month" if compact else "month", value)


def format_zone(zone_id: str | None) -> str:
    """A time zone by its name in the reader's language ("China (Shanghai) Time" / "中国（上海）时间"), never
    its IANA id ("Asia/Shanghai"), which stays the value a form submits. An unknown id is returned as it is."""
    if not zone_id:
        return ""
    language, _zone = _context()
    return _zone_name(str(zone_id), language)


@lru_cache(maxsize=256)
def _zone_name(zone_id: str, language: str) -> str:
    try:
        return get_timezone_location(zone_id, locale=language)
    except LookupError:
        return zone_id


FILTERS = {
    "format_zone": format_zone,
    "format_day": format_day,
    "format_time": format_time,
    "format_moment": format_moment,
    "format_when": format_when,
    "format_days": format_days,
    "format_month": format_month,
}
WHOLE = Markup('<span class="nowrap">%s</span>')


def _whole(function):
    """`function` as a Jinja filter that keeps a date or time on one line in an HTML page: a narrow column broke
    "19 Dec 2026, 09:00" over four lines. Each end of a span across days is kept whole, and the line may break
    at the dash between them. A text template (an e-mail's .txt) gets the plain text; so does `compact`, an
    axis label inside an SVG <text>. In an HTML attribute or a JSON value, add `|striptags`."""

    @pass_eval_context
    def _filter(eval_ctx, value, *args, **kwargs):
        text = function(value, *args, **kwargs)
        if not eval_ctx.autoescape or not text or kwargs.get("compact"):
            return text
        return keep_dates_whole(text)

    return _filter


# The dates and times the formats above write, as they appear inside a sentence made in Python (a notification,
# a flash message, a form's error): "19 Dec 2026", "2026年12月19日", "09:00", "09:00–17:00".
_CLOCK = r"\d{2}:\d{2}(?:" + TIME_DASH + r"\d{2}:\d{2})?"
# Each day and each time is one piece; a line may break between a day and its time, or at a span's dash, so that a
# date fits a narrow column (a definition beside its term) without sticking out.
_IN_TEXT = re.compile(rf"\d{{1,2}} [A-Z][a-z]{{2}} \d{{4}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日|{_CLOCK}")


def keep_dates_whole(text) -> Markup:
    """`text|keep_dates_whole`: plain text (escaped here) with each date or time in it kept on one line, as the
    date filters keep theirs."""
    source = text if isinstance(text, Markup) else str(text)  # markup (a flash with a link) stays markup
    pieces, last = [], 0
    for found in _IN_TEXT.finditer(source):
        pieces += [escape(source[last:found.start()]), WHOLE % found.group(0)]
        last = found.end()
    pieces.append(escape(source[last:]))
    return Markup("").join(pieces)


def init_app(app: Flask) -> None:
    """Register the formats as Jinja filters of the same names (`{{ need.starts_at|format_when(need.ends_at) }}`),
    and `keep_dates_whole` for sentences made in Python."""
    app.jinja_env.filters.update({name: _whole(function) for name, function in FILTERS.items()})
    app.jinja_env.filters["keep_dates_whole"] = keep_dates_whole
    app.jinja_env.globals["intl_date_locale"] = intl_date_locale


def intl_date_locale() -> str:
    """The locale the pages' scripts write days in, so that they read as format_day and format_moment do."""
    return STYLES[_context()[0]].intl_locale
