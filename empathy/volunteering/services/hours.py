"""Volunteering hours: logged by confirmed volunteers, approved or rejected by the coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from empathy.core import audit
from empathy.core.dates import format_day, format_days
from empathy.core.db import begin_write, compare_and_set, lock_rows, utcnow
from empathy.core.errors import Conflict, Forbidden, NotFound, ServiceError
from empathy.core.i18n import format_list
from empathy.core.localtime import hours_on, local_dates
from empathy.core.submissions import Submission
from empathy.core.submissions import record as record_submission
from empathy.models import EmployeeProfile, HoursRecord, HoursStatus, Need, NeedStatus, User
from empathy.volunteering.lifecycle import CAN_LOG_HOURS
from empathy.volunteering.services.notifications import notify
from empathy.volunteering.services.seats import load_match, load_need, require_own, require_owner, retrying

MAX_DAY = 24.0
MAX_NOTE = 1000
# Why the review buttons are missing on one's own hours, and the refusal when they are sent anyway.
OWN_HOURS = _l("Nobody reviews their own hours: the need's coordinator or another administrator reviews these.")
# Beside the review buttons when nobody else could review one's own hours (and the audit log says so).
OWN_HOURS_ALONE = _l("Nobody else can review these hours, so you review them yourself; the audit log records it.")


def _err(message, field_name: str) -> ServiceError:
    return ServiceError(str(message), field=field_name)


@retrying
def log_hours(*, session: Session, user: User, match_id: int, hours: float, worked_on: date,
              note: str = "", tz: ZoneInfo, now: datetime | None = None,
              submission: Submission | None = None) -> HoursRecord:
    """Log hours on a confirmed match; pending until the coordinator reviews them. Commits.

    `hours` is a number of hours (0 < hours <= 24). `worked_on` must be one of the need's own local days
    in `tz` (`need_days`: its run read half-open, so a need ending at 00:00 does not reach the next day),
    not after today. For that day the match takes at most as many hours as the need runs on it
    (`day_cap`), unless the need `allows_extra_hours`; at most 24 are logged for one person and day over
    all needs. Rejected hours do not count; the limits hold when two logs arrive at once. An entry
    identical to one already logged (same day, hours and note, not rejected) is refused as a duplicate.
    Raises ServiceError on the field at fault, Forbidden, NotFound, or Conflict when the match or need
    does not allow hours or the entry repeats one; AlreadySubmitted when `submission` was recorded
    before (nothing is logged twice).
    """
    now = now or utcnow()
    note = (note or "").strip()
    if hours is None or not (0 < hours <= MAX_DAY):
        raise _err(_l("Enter more than 0 and at most 24 hours."), "hours")
    if len(note) > MAX_NOTE:
        raise _err(_l("Use at most %(n)d characters.", n=MAX_NOTE), "note")
    begin_write(session)
    # The day's sum below is read, then added to: two logs at once must take turns, or both pass it.
    lock_rows(session, User, User.id == user.id)
    match = load_match(session, match_id)
    require_own(user, match)
    if match.status not in CAN_LOG_HOURS:
        raise Conflict(str(_l("Only confirmed volunteers can log hours.")))
    need = load_need(session, match.need_id)
    if need.status == NeedStatus.CANCELLED:
        raise Conflict(str(_l("This need was cancelled.")))
    if need.starts_at > now:
        raise Conflict(str(_l("Hours can be logged once the need has started.")))
    if worked_on > now.astimezone(tz).date():
        raise _err(_l("The date cannot be in the future."), "worked_on")
    days = need_days(need, tz)
    if worked_on not in days:
        raise _err(_l("Hours are logged for the days the need ran: %(days)s.", days=_days_text(days)), "worked_on")
    _check_match_day(session, match.id, need, worked_on, hours, note.strip(), tz)
    logged = session.exec(
        select(func.coalesce(func.sum(HoursRecord.hours), 0.0))
        .where(HoursRecord.user_id == user.id, HoursRecord.worked_on == worked_on,
               HoursRecord.status != HoursStatus.REJECTED)
    ).one()
    if float(logged) + hours > MAX_DAY:
        raise _err(_l("At most 24 hours a day: %(n)s are already logged for that day.", n=float(logged)), "hours")
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).first()
    record = HoursRecord(need_id=need.id, match_id=match.id, user_id=user.id, hours=hours, worked_on=worked_on,
                         note=note, department=profile.department if profile else "")
    session.add(record)
    session.flush()
    record_submission(session, submission, kind="hours", target_id=record.id)
    session.commit()
    return record


def need_days(need: Need, tz: ZoneInfo) -> list[date]:
    """The local dates (in `tz`) the need runs on, first to last: the days hours may be logged for."""
    return local_dates(need.starts_at, need.ends_at, tz)


def day_cap(need: Need, day: date, tz: ZoneInfo) -> float:
    """The most hours one volunteer logs on `need` for the local `day`: as long as the need runs that day
    (real hours), a need of no length its hours per volunteer, and 24 when the coordinator allows more."""
    if need.allows_extra_hours:
        return MAX_DAY
    if need.ends_at <= need.starts_at:
        return min(MAX_DAY, need.hours_per_volunteer)
    return round(hours_on(need.starts_at, need.ends_at, day, tz), 2)


def _days_text(days: list[date]) -> str:
    """The need's days in the reader's date style (core.dates): up to three listed, else the first and last."""
    if len(days) <= 3:
        return format_list(format_day(d) for d in days)
    return format_days(days[0], days[-1])


def _check_match_day(session: Session, match_id: int, need: Need, day: date, hours: float, note: str,
                     tz: ZoneInfo) -> None:
    """Refuse hours beyond the need's run that day, or an entry that repeats one already logged."""
    rows = session.exec(
        select(HoursRecord).where(HoursRecord.match_id == match_id, HoursRecord.worked_on == day,
                                  HoursRecord.status != HoursStatus.REJECTED)
    ).all()
    if any(r.hours == hours and (r.note or "").strip() == note for r in rows):
        raise Conflict(str(_l("These hours are already logged for that day (%(n)s h). If this was another stint, "
                              "say so in the note.", n=f"{hours:g}")))
    cap = day_cap(need, day, tz)
    logged = sum(r.hours for r in rows)
    if logged + hours > cap + 1e-9:
        raise _err(_l("The need ran %(cap)s h that day and %(n)s h are already logged for it: ask the coordinator "
                      "to allow more hours if you gave more time.", cap=f"{cap:g}", n=f"{logged:g}"), "hours")


def _reviewable(session: Session, actor: User, record_id: int) -> tuple[HoursRecord, Need]:
    record = session.get(HoursRecord, record_id, populate_existing=True)
    if record is None:
        raise NotFound(str(_l("These hours do not exist.")))
    need = load_need(session, record.need_id)
    require_owner(actor, need)
    require_not_own_hours(session, actor, record, need)
    if record.status != HoursStatus.PENDING:
        raise Conflict(str(_l("These hours have already been reviewed.")))
    return record, need


def others_may_review(session: Session, author_id: int, need: Need) -> bool:
    """Whether someone other than the author may review their hours on `need`: its coordinator (still an active
    coordinator or administrator) or any active administrator."""
    owner = sa.and_(User.id == need.owner_id, User.role.in_(("coordinator", "admin"))) if need.owner_id else sa.false()
    return session.exec(select(User.id).where(User.active, User.id != author_id,
                                              sa.or_(User.role == "admin", owner)).limit(1)).first() is not None


def require_not_own_hours(session: Session, actor: User, record: HoursRecord, need: Need) -> bool:
    """Nobody reviews their own hours (Forbidden) while someone else may (`others_may_review`); when nobody
    else can (the only administrator, say), they do, or the hours would wait for ever. True then: the review
    is recorded as one's own in the audit log."""
    if record.user_id is None or record.user_id != actor.id:
        return False
    if others_may_review(session, actor.id, need):
        raise Forbidden(str(OWN_HOURS))
    return True


def _decide(session: Session, actor: User, record: HoursRecord, status: HoursStatus, **values) -> None:
    """Move pending hours to `status`, or refuse (Conflict) when another review got there first.

    One conditional UPDATE: of an approval and a rejection at the same moment exactly one is stored,
    and the other writes nothing, no audit entry and no notification.
    """
    if not compare_and_set(session, record, HoursRecord.status == HoursStatus.PENDING, status=status,
                           reviewed_by_id=actor.id, reviewed_at=utcnow(), **values):
        if session.get(HoursRecord, record.id, populate_existing=True) is None:  # the employee left meanwhile
            raise NotFound(str(_l("These hours do not exist.")))
        raise Conflict(str(_l("These hours have already been reviewed.")))


@retrying
def approve_hours(*, session: Session, actor: User, record_id: int, base_url: str = "") -> HoursRecord:
    """Approve pending hours (owner or admin). Commits.

    Raises NotFound, Forbidden, or Conflict when the hours were already reviewed, also by a review
    made at the same moment.
    """
    begin_write(session)
    record, need = _reviewable(session, actor, record_id)
    _decide(session, actor, record, HoursStatus.APPROVED)
    audit.record(session, actor_id=actor.id, action="hours_approved", target_type="hours", target_id=record.id,
                 need=need.id, **_own(actor, record))
    person = session.get(User, record.user_id) if record.user_id else None
    if person is not None:
        notify(session, person, "hours_approved", {"need": need.title, "hours": record.hours},
               link="/commitments", base_url=base_url, need=need)
    session.commit()
    return record


MAX_BULK = 100  # hours records one bulk approval takes (a page of the review list holds fewer)


@retrying
def approve_many_hours(*, session: Session, actor: User, record_ids: list[int],
                       base_url: str = "") -> list[HoursRecord]:
    """Approve several pending hours records at once (owner of each need, or admin). Commits once.

    All or nothing: each record must exist, belong to a need `actor` manages, not be `actor`'s own hours and
    still be pending, or nothing is approved. Repeated ids count once. Returns the approved records in the
    order given. Raises ServiceError on `record_ids` when none or more than MAX_BULK are given, NotFound,
    Forbidden (another coordinator's need, or one's own hours), or Conflict naming the day and person of a
    record reviewed meanwhile (also by a review made at the same moment).
    """
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        raise _err(_l("Tick the hours to approve."), "record_ids")
    if len(ids) > MAX_BULK:
        raise _err(_l("Approve at most %(n)d records at once.", n=MAX_BULK), "record_ids")
    begin_write(session)
    records = session.exec(select(HoursRecord).where(HoursRecord.id.in_(ids))
                           .execution_options(populate_existing=True)).all()
    by_id = {r.id: r for r in records}
    needs = {n.id: n for n in session.exec(select(Need).where(Need.id.in_({r.need_id for r in records}))).all()}
    people = {u.id: u for u in session.exec(
        select(User).where(User.id.in_({r.user_id for r in records if r.user_id is not None}))).all()}
    out = []
    for record_id in ids:
        record = by_id.get(record_id)
        if record is None:
            raise NotFound(str(_l("These hours do not exist.")))
        need = needs[record.need_id]
        require_owner(actor, need)
        require_not_own_hours(session, actor, record, need)
        if record.status != HoursStatus.PENDING:
            raise _changed(record, people.get(record.user_id))
        out.append((record, need))
    for record, need in out:
        if not compare_and_set(session, record, HoursRecord.status == HoursStatus.PENDING,
                               status=HoursStatus.APPROVED, reviewed_by_id=actor.id, reviewed_at=utcnow()):
            raise _changed(record, people.get(record.user_id))
        audit.record(session, actor_id=actor.id, action="hours_approved", target_type="hours",
                     target_id=record.id, need=need.id, **_own(actor, record))
        person = people.get(record.user_id)
        if person is not None:
            notify(session, person, "hours_approved", {"need": need.title, "hours": record.hours},
                   link="/commitments", base_url=base_url, need=need)
    session.commit()
    return [record for record, _need in out]


def _own(actor: User, record: HoursRecord) -> dict:
    """The audit detail of a review of one's own hours (allowed only when nobody else could review them)."""
    return {"self_review": actor.id} if record.user_id == actor.id else {}


def _changed(record: HoursRecord, person: User | None) -> Conflict:
    """The refusal of a bulk approval when one record is no longer pending: nothing was approved."""
    return Conflict(str(_l("The hours of %(name)s on %(day)s have already been reviewed meanwhile; nothing was "
                           "approved. Tick the others again.",
                           name=person.display_name if person else _l("a former employee"),
                           day=format_day(record.worked_on))), field="record_ids")


@retrying
def reject_hours(*, session: Session, actor: User, record_id: int, reason: str, base_url: str = "") -> HoursRecord:
    """Reject pending hours with a reason (owner or admin). Commits.

    Raises ServiceError on `reason`, NotFound, Forbidden, or Conflict when the hours were already
    reviewed, also by a review made at the same moment.
    """
    reason = (reason or "").strip()
    if not reason:
        raise _err(_l("Give a reason."), "reason")
    if len(reason) > MAX_NOTE:
        raise _err(_l("Use at most %(n)d characters.", n=MAX_NOTE), "reason")
    begin_write(session)
    record, need = _reviewable(session, actor, record_id)
    _decide(session, actor, record, HoursStatus.REJECTED, rejection_reason=reason)
    audit.record(session, actor_id=actor.id, action="hours_rejected", target_type="hours", target_id=record.id,
                 need=need.id, **_own(actor, record))
    person = session.get(User, record.user_id) if record.user_id else None
    if person is not None:
        notify(session, person, "hours_rejected", {"need": need.title, "reason": reason},
               link="/commitments", base_url=base_url, need=need)
    session.commit()
    return record


@dataclass
class HoursTotals:
    approved: float
    pending: float


def totals_for(*, session: Session, user: User) -> HoursTotals:
    """An employee's approved and pending hours, all needs together."""
    rows = session.exec(
        select(HoursRecord.status, func.sum(HoursRecord.hours))
        .where(HoursRecord.user_id == user.id).group_by(HoursRecord.status)
    ).all()
    sums = {status: float(total or 0) for status, total in rows}
    return HoursTotals(approved=sums.get(HoursStatus.APPROVED, 0.0), pending=sums.get(HoursStatus.PENDING, 0.0))


def records_for_need(*, session: Session, actor: User, need_id: int) -> list[tuple[HoursRecord, User | None]]:
    """Every hours record of a need, pending first (owner or admin)."""
    require_owner(actor, load_need(session, need_id))
    rows = session.exec(
        select(HoursRecord, User).outerjoin(User, User.id == HoursRecord.user_id)
        .where(HoursRecord.need_id == need_id).order_by(HoursRecord.worked_on.desc(), HoursRecord.id)
    ).all()
    return sorted(rows, key=lambda r: r[0].status != HoursStatus.PENDING)


def records_for_user(*, session: Session, user: User) -> dict[int, list[HoursRecord]]:
    """The employee's hours records grouped by match id."""
    out: dict[int, list[HoursRecord]] = {}
    records = select(HoursRecord).where(HoursRecord.user_id == user.id).order_by(HoursRecord.worked_on)
    for r in session.exec(records).all():
        out.setdefault(r.match_id, []).append(r)
    return out


def needs_reviewed_by_oneself(*, session: Session, user: User, records: dict[int, list[HoursRecord]]) -> set[int]:
    """The needs on which `user`'s pending hours have nobody else to review them, while `user` may: theirs to
    review (require_not_own_hours), said on their commitments page so they do not wait for ever."""
    pending = {r.need_id for rows in records.values() for r in rows if r.status == HoursStatus.PENDING}
    if not pending or not user.is_coordinator:
        return set()
    needs = session.exec(select(Need).where(Need.id.in_(pending))).all()
    return {n.id for n in needs
            if (user.is_admin or n.owner_id == user.id) and not others_may_review(session, user.id, n)}


def find_record(session: Session, record_id: int) -> HoursRecord | None:
    """One hours record by id, or None; no permission check (the reviewing services make it)."""
    return session.get(HoursRecord, record_id)
