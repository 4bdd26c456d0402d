"""An iCalendar (RFC 5545) file of an employee's confirmed commitments."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from empathy.core.db import utcnow
from empathy.models import Match, Need, NeedStatus, Site, User
from empathy.volunteering.lifecycle import HOLDS_SEAT


def escape_text(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with one space
        if size + n > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def commitments_calendar(*, session: Session, user: User, host: str = "empathy") -> str:
    """The user's confirmed commitments (not cancelled) as one VCALENDAR."""
    rows = session.exec(
        select(Match, Need, Site).join(Need, Need.id == Match.need_id).outerjoin(Site, Site.id == Need.site_id)
        .where(Match.user_id == user.id, Match.status.in_(HOLDS_SEAT), Need.status != NeedStatus.CANCELLED)
        .order_by(Need.starts_at)
    ).all()
    now = _stamp(utcnow())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Empathy//Commitments//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    for match, need, site in rows:
        location = "Remote" if need.is_remote else (site.name_en if site else "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:match-{match.id}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(need.starts_at)}",
            f"DTEND:{_stamp(need.ends_at)}",
            f"SUMMARY:{escape_text(need.title)}",
            f"LOCATION:{escape_text(location)}",
            f"DESCRIPTION:{escape_text(need.description[:2000])}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
