"""Seats on a need and the status of a match, changed by conditional UPDATEs, and the checks they share.

Taking a seat is one statement, `UPDATE needs SET seats_taken = seats_taken + 1 WHERE ...
seats_taken < seats`, whose row count says whether a seat was left: it holds under concurrency on
SQLite (no SELECT ... FOR UPDATE there) and PostgreSQL alike. A match moves the same way, along a
row of `lifecycle.TRANSITIONS` (`move_match`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.db import lock_rows, utcnow

# The volunteering services take `retrying` from here with their other helpers; it lives in core.db.
from empathy.core.db import retrying as retrying
from empathy.core.errors import Conflict, Forbidden, NotFound
from empathy.models import Match, Need, NeedStatus, User
from empathy.needs.joinable import SEAT_STATUSES as SEAT_STATUSES
from empathy.needs.joinable import not_joinable_reason
from empathy.volunteering import lifecycle


def load_need(session: Session, need_id: int) -> Need:
    """The need as stored now (not a stale copy from an earlier transaction), or NotFound."""
    need = session.get(Need, need_id, populate_existing=True)
    if need is None:
        raise NotFound(str(_l("This need does not exist.")))
    return need


def lock_need(session: Session, need_id: int) -> Need:
    """The need as stored now, locked until the commit (on PostgreSQL; call `begin_write` first), or NotFound.

    Taken by a use case that signs someone up without taking a seat (volunteering, inviting): a
    cancellation at the same moment then waits for it and tells the person, or is waited for and refuses.
    """
    need = next(iter(lock_rows(session, Need, Need.id == need_id)), None)
    if need is None:
        raise NotFound(str(_l("This need does not exist.")))
    return need


def load_match(session: Session, match_id: int) -> Match:
    """The match as stored now, or NotFound."""
    match = session.get(Match, match_id, populate_existing=True)
    if match is None:
        raise NotFound(str(_l("This sign-up does not exist.")))
    return match


def require_owner(actor: User, need: Need) -> None:
    """Only the need's coordinator, or an admin, manages its people and hours."""
    if not (actor.is_admin or (actor.is_coordinator and need.owner_id == actor.id)):
        raise Forbidden(str(_l("Only the coordinator of this need or an administrator can do this.")))


def require_not_owner(person: User, need: Need) -> None:
    """A need's coordinator leads it and does not sign up for it as a volunteer (Forbidden): their own hours
    would otherwise have nobody but themself to approve them, and suggestions never offer them their need."""
    if need.owner_id is not None and need.owner_id == person.id:
        raise Forbidden(str(_l("You lead this need as its coordinator, so you do not sign up for it as a "
                               "volunteer.")))


def require_own(actor: User, match: Match) -> None:
    """An employee acts on their own sign-ups only."""
    if match.user_id != actor.id:
        raise Forbidden(str(_l("This sign-up belongs to someone else.")))


def check_joinable(need: Need) -> None:
    """Refuse (Conflict, with the reason) a need that cannot take volunteers now: `needs.joinable` decides."""
    reason = not_joinable_reason(need)
    if reason is not None:
        raise Conflict(reason)


def take_seat(session: Session, need: Need) -> None:
    """Take one seat, or raise Conflict naming why none could be taken. The caller commits."""
    check_joinable(need)
    now = utcnow()
    result = session.execute(
        sa.update(Need)
        .where(
            Need.id == need.id,
            Need.seats_taken < Need.seats,
            Need.status.in_(SEAT_STATUSES),
            Need.starts_at > now,
        )
        .values(
            seats_taken=Need.seats_taken + 1,
            status=sa.case((Need.seats_taken + 1 >= Need.seats, NeedStatus.FILLED), else_=NeedStatus.OPEN),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        check_joinable(load_need(session, need.id))
        raise Conflict(str(_l("Every seat of this need is taken.")))
    session.refresh(need)


def free_seat(session: Session, need: Need) -> None:
    """Give a seat back; a filled need opens again. The caller commits."""
    session.execute(
        sa.update(Need)
        .where(Need.id == need.id, Need.seats_taken > 0)
        .values(
            seats_taken=Need.seats_taken - 1,
            status=sa.case((Need.status == NeedStatus.FILLED, NeedStatus.OPEN), else_=Need.status),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(need)


def move_match(session: Session, match: Match, action: lifecycle.Action, *, need: Need | None = None,
               **values) -> None:
    """Move a match by `action` along its row of the lifecycle, taking or giving back a seat as the row says.

    Refused (Conflict) when the match's status has no row for the action, or when the match left the
    row's sources meanwhile (a concurrent change loses). `values` are stored with the new status.
    The caller commits, or rolls back on Conflict (`retrying` does).
    """
    row = lifecycle.transition(action, match.status)
    if row.seats and need is None:
        need = load_need(session, match.need_id)
    # The need's row first, then the match's, as every use case that writes both takes them (signing
    # up, withdrawing, deleting an account): two of them at the same moment wait, never deadlock.
    # A seat given back for a move that is then refused comes back with the caller's rollback.
    if row.seats > 0:
        take_seat(session, need)
    elif row.seats < 0:
        free_seat(session, need)
    # Taking or giving back a seat is a new version of the person's calendar entry (see calendar).
    sequence = {"sequence": Match.sequence + 1} if row.seats else {}
    result = session.execute(
        sa.update(Match)
        .where(Match.id == match.id, Match.status.in_(row.sources))
        .values(status=row.target, updated_at=utcnow(), **sequence, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(str(_l("This sign-up has changed meanwhile. Reload the page and try again.")))
    session.refresh(match)


def match_of(session: Session, need_id: int, user_id: int) -> Match | None:
    """The one match row of this employee and need, if any."""
    return session.exec(
        select(Match).where(Match.need_id == need_id, Match.user_id == user_id)
        .execution_options(populate_existing=True)
    ).first()
