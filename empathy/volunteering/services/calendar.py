"""An employee's commitments as an iCalendar (RFC 5545) feed, and the secret link to subscribe to it.

Calendar apps match an entry by its UID and take a copy with a higher SEQUENCE as newer: each entry is
one match (`match-<id>@<host>`), and its SEQUENCE is the need's (raised when its time, place or status
changes) plus the match's (raised when the person takes or gives back a seat), so both only grow.
A need that is cancelled, or a seat given back, stays in the feed for `CANCELLED_KEPT` as
STATUS:CANCELLED, so a subscribed calendar removes the entry instead of keeping the old one. Times are
written in UTC. The file is made with the `icalendar` library, which escapes and folds the text.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, gettext
from icalendar import Calendar, Event, vDuration
from sqlmodel import Session, select

from empathy.core.db import begin_write, retrying, utcnow
from empathy.core.labels import site_name
from empathy.models import CalendarFeed, Match, MatchStatus, Need, NeedStatus, Site, User
from empathy.volunteering.lifecycle import HOLDS_SEAT

CANCELLED_KEPT = timedelta(days=30)  # how long a called-off entry stays in the feed as cancelled
LEFT_SEAT = (MatchStatus.WITHDRAWN, MatchStatus.REMOVED)
REFRESH = timedelta(hours=1)  # how often subscribers are asked to fetch the feed again
TOKEN_BYTES = 32


def _rows(session: Session, user: User, now: datetime):
    recent = now - CANCELLED_KEPT
    held = Match.status.in_(HOLDS_SEAT)
    # A seat given back (sequence > 0: the match held one at some point), recently.
    left = Match.status.in_(LEFT_SEAT) & (Match.sequence > 0) & (Match.updated_at >= recent)
    cancelled = (Need.status == NeedStatus.CANCELLED) & (Need.updated_at >= recent)
    return session.exec(
        select(Match, Need, Site).join(Need, Need.id == Match.need_id).outerjoin(Site, Site.id == Need.site_id)
        .where(Match.user_id == user.id, Need.status != NeedStatus.DRAFT,
               sa.or_(held & (Need.status != NeedStatus.CANCELLED), left, held & cancelled))
        .order_by(Need.starts_at, Match.id)
    ).all()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def commitments_calendar(*, session: Session, user: User, host: str = "empathy", now: datetime | None = None) -> str:
    """The user's commitments as one VCALENDAR (METHOD:PUBLISH), as text with CRLF line ends.

    Confirmed commitments (attended and no-shows too) are STATUS:CONFIRMED; those of a cancelled need,
    or given back (withdrawn, removed), in the last `CANCELLED_KEPT` are STATUS:CANCELLED. `host` makes
    the UIDs globally unique: pass the same one every time (the app's host), or entries are duplicated.
    """
    now = now or utcnow()
    lang = user.preferred_language or "en"
    with force_locale(lang):
        remote = gettext("Remote")
    cal = Calendar()
    cal.add("prodid", "-//Empathy//Commitments//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Empathy")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))  # a DURATION ("PT1H"), as for REFRESH-INTERVAL
    for match, need, site in _rows(session, user, now):
        cancelled = need.status == NeedStatus.CANCELLED or match.status in LEFT_SEAT
        event = Event()
        event.add("uid", f"match-{match.id}@{host}")
        event.add("dtstamp", _utc(now))
        event.add("dtstart", _utc(need.starts_at))
        event.add("dtend", _utc(need.ends_at))
        event.add("sequence", need.sequence + match.sequence)
        event.add("last-modified", _utc(max(need.updated_at, match.updated_at)))
        event.add("created", _utc(match.created_at))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("summary", need.title)
        event.add("location", " / ".join(p for p in (site_name(site, lang), remote if need.is_remote else "") if p))
        event.add("description", need.description[:2000])
        event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@retrying
def reset_feed_token(*, session: Session, user: User) -> str:
    """A new secret token for the user's calendar feed, replacing any earlier one (which stops working).

    Only its SHA-256 digest is stored: the token is returned once, to be shown in the feed's link. Commits.
    """
    begin_write(session)
    token = _replace_token(session, user.id)
    session.commit()
    return token


def _replace_token(session: Session, user_id: int) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
    session.add(CalendarFeed(user_id=user_id, token_hash=_digest(token)))
    return token


def rotate_feed_token(session: Session, user_id: int) -> str | None:
    """Replace the user's calendar link by a new one if they have one (a new password: the old link stops
    working); returns the new token, to be shown once, or None. The caller has begun the write and commits."""
    if session.exec(select(CalendarFeed.id).where(CalendarFeed.user_id == user_id)).first() is None:
        return None
    return _replace_token(session, user_id)


def end_feed(session: Session, user_id: int) -> None:
    """End the user's calendar link, if any (an account deactivated); the caller commits."""
    session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user_id))


@retrying
def revoke_feed_token(*, session: Session, user: User) -> bool:
    """End the user's calendar feed link; True when there was one. Commits."""
    begin_write(session)
    gone = session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id)).rowcount
    session.commit()
    return bool(gone)


def has_feed(*, session: Session, user: User) -> bool:
    """Whether the user has a calendar feed link."""
    return session.exec(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id)).first() is not None


def feed_owner(*, session: Session, token: str) -> User | None:
    """The active user whose feed link holds `token`, or None (unknown, reset, or a deactivated account)."""
    if not token or len(token) > 100:
        return None
    user = session.exec(
        select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == _digest(token))
    ).first()
    return user if user is not None and user.is_active else None
