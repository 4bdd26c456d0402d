"""What a home page lists: the coordinator's to-do and the employee's next commitment and hours to log.

Each section is one query that returns its first rows and, through a window count, how many there are in
all: a home page costs a bounded number of queries whatever the organisation's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from empathy.core.db import utcnow
from empathy.core.pagination import Glimpse, glimpse
from empathy.models import HoursRecord, HoursStatus, Match, MatchStatus, Need, NeedStatus, Site, User
from empathy.needs.joinable import joinable_clause
from empathy.volunteering.lifecycle import CAN_LOG_HOURS

SHOWN = 5  # rows a home section shows; its link leads to the rest
SOON = timedelta(days=7)  # "starting this week": from now to a week ahead
LISTED = 200  # rows the review page lists in one section


@dataclass
class CoordinatorTodo:
    """What waits for a coordinator on the needs they lead (`volunteers`: (Match, Need, User); `hours`:
    (HoursRecord, Need, User or None); `short` and `this_week`: Need)."""

    volunteers: Glimpse
    hours: Glimpse
    short: Glimpse
    this_week: Glimpse

    @property
    def is_empty(self) -> bool:
        return not (self.volunteers.total or self.hours.total or self.short.total or self.this_week.total)


@dataclass
class EmployeeHome:
    """An employee's next commitment ((Match, Need, Site or None), or None) and the past commitments that
    have no hours record yet (`to_log`: (Match, Need))."""

    next_commitment: tuple | None
    to_log: Glimpse


def coordinator_todo(*, session: Session, actor: User, now: datetime | None = None,
                     limit: int | None = SHOWN) -> CoordinatorTodo:
    """The to-do of the needs `actor` leads (owns): people who volunteered and wait for approval, hours to
    review (not `actor`'s own, which an administrator reviews), needs short of volunteers (still taking
    them, starting soonest first) and needs starting within SOON. `limit` rows per section (None: all);
    `now` is UTC. Four queries."""
    now = now or utcnow()
    mine = Need.owner_id == actor.id
    volunteers = glimpse(session, (
        select(Match, Need, User).join(Need, Need.id == Match.need_id).join(User, User.id == Match.user_id)
        .where(mine, Match.status == MatchStatus.VOLUNTEERED, Need.status.not_in(_OVER), Need.ends_at > now)
        .order_by(Need.starts_at, Match.created_at, Match.id)), limit=limit, width=3)
    hours = glimpse(session, (
        select(HoursRecord, Need, User).join(Need, Need.id == HoursRecord.need_id)
        .outerjoin(User, User.id == HoursRecord.user_id)
        .where(mine, HoursRecord.status == HoursStatus.PENDING,
               sa.or_(HoursRecord.user_id.is_(None), HoursRecord.user_id != actor.id))
        .order_by(HoursRecord.worked_on, HoursRecord.id)), limit=limit, width=3)
    short = glimpse(session, select(Need).where(mine, joinable_clause(now)).order_by(Need.starts_at, Need.id),
                     limit=limit)
    this_week = glimpse(session, (
        select(Need).where(mine, Need.status.in_((NeedStatus.OPEN, NeedStatus.FILLED)), Need.starts_at > now,
                           Need.starts_at <= now + SOON)
        .order_by(Need.starts_at, Need.id)), limit=limit)
    return CoordinatorTodo(volunteers=volunteers, hours=hours, short=short, this_week=this_week)


_OVER = (NeedStatus.CANCELLED, NeedStatus.COMPLETED, NeedStatus.CLOSED)


def employee_home(*, session: Session, user: User, now: datetime | None = None, limit: int = SHOWN) -> EmployeeHome:
    """The employee's next commitment (a confirmed need not over yet, the soonest first, with its site) and
    past commitments (confirmed or attended, the need over and not cancelled) with no hours record, the
    latest first, `limit` of them. `now` is UTC. Two queries."""
    now = now or utcnow()
    upcoming = session.exec(
        select(Match, Need, Site).join(Need, Need.id == Match.need_id).outerjoin(Site, Site.id == Need.site_id)
        .where(Match.user_id == user.id, Match.status == MatchStatus.CONFIRMED, Need.ends_at > now,
               Need.status.in_((NeedStatus.OPEN, NeedStatus.FILLED, NeedStatus.CLOSED)))
        .order_by(Need.starts_at, Need.id).limit(1)
    ).first()
    logged = select(HoursRecord.id).where(HoursRecord.match_id == Match.id).exists()
    to_log = glimpse(session, (
        select(Match, Need).join(Need, Need.id == Match.need_id)
        .where(Match.user_id == user.id, Match.status.in_(CAN_LOG_HOURS), Need.ends_at <= now,
               Need.status != NeedStatus.CANCELLED, ~logged)
        .order_by(Need.ends_at.desc(), Need.id)), limit=limit, width=2)
    return EmployeeHome(next_commitment=tuple(upcoming) if upcoming else None, to_log=to_log)


def leads_needs(*, session: Session, user: User) -> bool:
    """Whether `user` leads (owns) at least one need, in any status (one query)."""
    return session.exec(select(Need.id).where(Need.owner_id == user.id).limit(1)).first() is not None
