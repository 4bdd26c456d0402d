"""Nobody is committed to two needs that run at the same time: one rule, in Python and in SQL.

A person is *committed* to a need once they have signed up for it (awaiting approval or confirmed) or
hold its seat (attended, no-show): `COMMITTED`. Two needs *clash* when their runs overlap, read
half-open (empathy.core.localtime): 09:00-12:00 and 12:00-15:00 do not clash, 09:00-12:00 and
10:00-13:00 do. A cancelled need commits nobody. Only needs that *block their time* clash: a need of up to
`BLOCKS_UP_TO` (14 days: an event, a build, a camp) takes its whole run; a longer one is a programme whose
hours people arrange within it (16 h over eight weeks), so it blocks no other need, and none blocks it.

An *invitation* commits nobody yet, but accepting it would: an invitation that overlaps another invitation, or
a need the person is committed to, is *flagged* on their pages (`invited_clashes`), never refused until one of
them is accepted.

The decision is **refuse** (409), everywhere a commitment is made: signing up, accepting an invitation,
a coordinator's approval. Suggestions leave such a person out in both directions, and the team builder
names the reason. `require_no_clash` locks the person's row first, so two sign-ups of one person for
clashing needs at the same moment take turns on PostgreSQL, and the second sees the first (SQLite's
BEGIN IMMEDIATE serialises them anyway).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.db import lock_rows
from empathy.core.errors import Conflict
from empathy.models import Match, MatchStatus, Need, NeedStatus, User
from empathy.volunteering.lifecycle import JOINED

# Signed up (awaiting approval) or holding a seat: such a person cannot be somewhere else at that time.
COMMITTED = JOINED


BLOCKS_UP_TO = timedelta(days=14)


def blocks_time(need: Need) -> bool:
    """Whether `need` takes its whole run from the people committed to it: it lasts at most `BLOCKS_UP_TO`."""
    return _blocks(need.starts_at, need.ends_at)


def _blocks(starts_at, ends_at) -> bool:
    return ends_at - starts_at <= BLOCKS_UP_TO


def _overlapping(other, need_starts, need_ends) -> sa.ColumnElement[bool]:
    return sa.and_(other.starts_at < need_ends, other.ends_at > need_starts)


def clashing_needs(session: Session, user_ids: list[int], need: Need, *,
                   statuses: tuple[MatchStatus, ...] = COMMITTED) -> dict[int, list[Need]]:
    """For each of `user_ids`, the other needs (not cancelled) they are committed to (or hold a match in one of
    `statuses` on) that overlap `need`, soonest first; people with none are left out. Only needs that block their
    time (`blocks_time`) count."""
    if not user_ids or not blocks_time(need):
        return {}
    rows = session.exec(
        select(Match.user_id, Need).join(Need, Need.id == Match.need_id)
        .where(Match.user_id.in_(user_ids), Match.status.in_(statuses), Need.id != need.id,
               Need.status != NeedStatus.CANCELLED, _overlapping(Need, need.starts_at, need.ends_at))
        .order_by(Need.starts_at, Need.id)
    ).all()
    out: dict[int, list[Need]] = {}
    for uid, other in rows:
        if blocks_time(other):
            out.setdefault(uid, []).append(other)
    return out


@lru_cache(maxsize=1)
def _busy_statement() -> sa.Select:
    # Built once with bound parameters: composing it cost about 0.8 ms a suggestions page.
    when = Need.__table__.c.starts_at.type
    starts, ends = sa.bindparam("starts_at", type_=when), sa.bindparam("ends_at", type_=when)
    return (select(Match.user_id, Need.starts_at, Need.ends_at).join(Need, Need.id == Match.need_id)
            .where(Match.status.in_(COMMITTED), Need.id != sa.bindparam("need_id"),
                   Need.status != NeedStatus.CANCELLED, _overlapping(Need, starts, ends)))


def invited_clashes(session: Session, user_id: int, need: Need) -> list[Need]:
    """The other needs (not cancelled) `user_id` is invited to whose time overlaps `need`'s, soonest first: they
    may accept only one of them, and not at all once committed to `need`."""
    return clashing_needs(session, [user_id], need, statuses=(MatchStatus.INVITED,)).get(user_id, [])


def busy_people(session: Session, need: Need) -> set[int]:
    """Everyone committed to another need (not cancelled) that overlaps `need`, both blocking their time."""
    if not blocks_time(need):
        return set()
    params = {"need_id": need.id, "starts_at": need.starts_at, "ends_at": need.ends_at}
    return {uid for uid, starts, ends in session.exec(_busy_statement(), params=params).all()
            if _blocks(starts, ends)}


def blocked_windows(session: Session, user_id: int) -> list[tuple]:
    """The (starts_at, ends_at) of the needs (not cancelled) `user_id` is committed to that block their time."""
    rows = session.exec(select(Need.starts_at, Need.ends_at).join(Match, Match.need_id == Need.id)
                        .where(Match.user_id == user_id, Match.status.in_(COMMITTED),
                               Need.status != NeedStatus.CANCELLED)).all()
    return [(s, e) for s, e in rows if _blocks(s, e)]


def clashes_with_windows(starts_at, ends_at, windows: list[tuple]) -> bool:
    """Whether a run [starts_at, ends_at) that blocks its time overlaps one of `windows` (`blocked_windows`)."""
    return _blocks(starts_at, ends_at) and any(s < ends_at and e > starts_at for s, e in windows)


def clash_details(other: Need, *, named: bool) -> dict:
    """The problem document's `clashes_with` member (api.schemas.ClashingNeed)."""
    return {"clashes_with": {"id": other.id if named else None, "title": other.title if named else "",
                             "starts_at": other.starts_at.isoformat(), "ends_at": other.ends_at.isoformat()}}


def require_no_clash(session: Session, person: User, need: Need, *, actor: User | None = None) -> None:
    """Refuse (Conflict, naming the clashing need) when `person` is committed to another need that overlaps
    `need`. `actor` is the coordinator deciding for them, None when it is the person themself.

    Locks the person's row until the commit (PostgreSQL; call `begin_write` first), after the need's:
    a commitment made at the same moment in another transaction is seen, never missed.
    """
    lock_rows(session, User, User.id == person.id)
    other = next(iter(clashing_needs(session, [person.id], need).get(person.id, [])), None)
    if other is None:
        return
    if actor is None:
        raise Conflict(str(_l("You are already committed to “%(title)s” at that time. Nobody is signed up for two "
                              "needs that overlap: withdraw from that one first, or choose another need.",
                              title=other.title)), extra=clash_details(other, named=True))
    named = actor.is_admin or other.owner_id == actor.id
    raise Conflict(str(_l("%(name)s is already committed to another need at that time.",
                          name=person.display_name)), extra=clash_details(other, named=named))
