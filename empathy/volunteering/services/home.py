"""What a home page lists: the coordinator's to-do and the employee's next commitment and hours to log.

Each section is one query that returns its first rows and, through a window count, how many there are in
all: a home page costs a bounded number of queries whatever the organisation's size. The statements are
built once (with bound parameters): composing them took about as long as running them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from sqlmodel import Session, select

from empathy.core.db import utcnow
from empathy.core.pagination import Glimpse, glimpse, with_total
from empathy.models import HoursRecord, HoursStatus, Match, MatchStatus, Need, NeedStatus, Site, User
from empathy.needs.joinable import joinable_clause
from empathy.volunteering.lifecycle import CAN_LOG_HOURS

SHOWN = 5  # rows a home section shows; its link leads to the rest
SOON = timedelta(days=7)  # "starting this week": from now to a week ahead
LISTED = 200  # rows the review page lists in one section
_OVER = (NeedStatus.CANCELLED, NeedStatus.COMPLETED, NeedStatus.CLOSED)


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
    # Invitations waiting for the person's answer (their needs not over, not cancelled or completed).
    invitations: int = 0


def _now_param() -> sa.BindParameter:
    return sa.bindparam("now", type_=Need.__table__.c.starts_at.type)


@lru_cache(maxsize=8)
def _todo_statements(limit: int | None) -> tuple:
    """The to-do's four statements, for bound `actor` (the coordinator's id), `now` and `soon` (UTC)."""
    actor, now = sa.bindparam("actor"), _now_param()
    soon = sa.bindparam("soon", type_=Need.__table__.c.starts_at.type)
    mine = Need.owner_id == actor
    volunteers = (select(Match, Need, User).join(Need, Need.id == Match.need_id).join(User, User.id == Match.user_id)
                  .where(mine, Match.status == MatchStatus.VOLUNTEERED, Need.status.not_in(_OVER), Need.ends_at > now)
                  .order_by(Need.starts_at, Match.created_at, Match.id))
    hours = (select(HoursRecord, Need, User).join(Need, Need.id == HoursRecord.need_id)
             .outerjoin(User, User.id == HoursRecord.user_id)
             .where(mine, HoursRecord.status == HoursStatus.PENDING,
                    sa.or_(HoursRecord.user_id.is_(None), HoursRecord.user_id != actor))
             .order_by(HoursRecord.worked_on, HoursRecord.id))
    short = select(Need).where(mine, joinable_clause(now)).order_by(Need.starts_at, Need.id)
    this_week = (select(Need).where(mine, Need.status.in_((NeedStatus.OPEN, NeedStatus.FILLED)), Need.starts_at > now,
                                    Need.starts_at <= soon)
                 .order_by(Need.starts_at, Need.id))
    return tuple(with_total(s, limit) for s in (volunteers, hours, short, this_week))


def coordinator_todo(*, session: Session, actor: User, now: datetime | None = None,
                     limit: int | None = SHOWN) -> CoordinatorTodo:
    """The to-do of the needs `actor` leads (owns): people who volunteered and wait for approval, hours to
    review (not `actor`'s own, which an administrator reviews), needs short of volunteers (still taking
    them, starting soonest first) and needs starting within SOON. `limit` rows per section (None: all);
    `now` is UTC. Four queries."""
    now = now or utcnow()
    params = {"actor": actor.id, "now": now, "soon": now + SOON}
    volunteers, hours, short, this_week = (
        glimpse(session, s, width=w, params=params, counted=True)
        for s, w in zip(_todo_statements(limit), (3, 3, 1, 1)))
    return CoordinatorTodo(volunteers=volunteers, hours=hours, short=short, this_week=this_week)


@lru_cache(maxsize=4)
def _employee_statements(limit: int) -> tuple:
    """The next commitment, the hours to log and the count of invitations waiting, for bound `user` (the
    employee's id) and `now` (UTC)."""
    user, now = sa.bindparam("user"), _now_param()
    upcoming = (select(Match, Need, Site).join(Need, Need.id == Match.need_id).outerjoin(Site, Site.id == Need.site_id)
                .where(Match.user_id == user, Match.status == MatchStatus.CONFIRMED, Need.ends_at > now,
                       Need.status.in_((NeedStatus.OPEN, NeedStatus.FILLED, NeedStatus.CLOSED)))
                .order_by(Need.starts_at, Need.id).limit(1))
    logged = select(HoursRecord.id).where(HoursRecord.match_id == Match.id).exists()
    to_log = (select(Match, Need).join(Need, Need.id == Match.need_id)
              .where(Match.user_id == user, Match.status.in_(CAN_LOG_HOURS), Need.ends_at <= now,
                     Need.status != NeedStatus.CANCELLED, ~logged)
              .order_by(Need.ends_at.desc(), Need.id))
    invited = (select(sa.func.count()).select_from(Match).join(Need, Need.id == Match.need_id)
               .where(Match.user_id == user, Match.status == MatchStatus.INVITED, Need.ends_at > now,
                      Need.status.not_in((NeedStatus.CANCELLED, NeedStatus.COMPLETED))))
    return upcoming, with_total(to_log, limit), invited


def employee_home(*, session: Session, user: User, now: datetime | None = None, limit: int = SHOWN) -> EmployeeHome:
    """The employee's next commitment (a confirmed need not over yet, the soonest first, with its site), past
    commitments (confirmed or attended, the need over and not cancelled) with no hours record, the latest first,
    `limit` of them, and how many invitations wait for an answer. `now` is UTC. Three queries."""
    params = {"user": user.id, "now": now or utcnow()}
    upcoming, to_log, invited = _employee_statements(limit)
    found = session.execute(upcoming, params).first()
    return EmployeeHome(next_commitment=tuple(found) if found else None,
                        to_log=glimpse(session, to_log, width=2, params=params, counted=True),
                        invitations=int(session.execute(invited, params).scalar_one()))


@lru_cache(maxsize=1)
def _leads() -> sa.Select:
    return select(Need.id).where(Need.owner_id == sa.bindparam("user")).limit(1)


def leads_needs(*, session: Session, user: User) -> bool:
    """Whether `user` leads (owns) at least one need, in any status (one query)."""
    return session.execute(_leads(), {"user": user.id}).first() is not None
