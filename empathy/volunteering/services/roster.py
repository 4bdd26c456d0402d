"""The coordinator's side of a need's people: approve, reject, remove, attendance, cancel."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core import audit
from empathy.core.db import begin_write, compare_and_set, utcnow
from empathy.core.errors import Conflict, ServiceError
from empathy.models import EmployeeProfile, HoursRecord, HoursStatus, Match, MatchStatus, Need, NeedStatus, User
from empathy.needs.clashes import require_no_clash
from empathy.profiles.credentials import require_credentials
from empathy.volunteering.lifecycle import BOARD_COLUMNS, HOLDS_SEAT, JOINED, Action, transition
from empathy.volunteering.services import notices
from empathy.volunteering.services.notices import NeedChange
from empathy.volunteering.services.notifications import notify
from empathy.volunteering.services.seats import load_match, load_need, move_match, require_owner, retrying

MAX_REASON = 1000


def _reason(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ServiceError(str(_l("Give a reason.")), field="reason")
    if len(text) > MAX_REASON:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_REASON)), field="reason")
    return text


def _managed_match(session: Session, actor: User, match_id: int) -> tuple[Match, Need, User]:
    match = load_match(session, match_id)
    need = load_need(session, match.need_id)
    require_owner(actor, need)
    return match, need, session.get(User, match.user_id)


@retrying
def approve_volunteer(*, session: Session, actor: User, match_id: int, base_url: str = "") -> Match:
    """Confirm a volunteer who awaits approval; it takes a seat. Commits.

    Conflict when they are committed to another need at that time (named for its coordinator or an admin)."""
    begin_write(session)
    match, need, person = _managed_match(session, actor, match_id)
    transition(Action.APPROVE, match.status)
    require_credentials(session, need, person.id)
    require_no_clash(session, person, need, actor=actor)
    move_match(session, match, Action.APPROVE, need=need)
    audit.record(session, actor_id=actor.id, action="volunteer_approved", target_type="match", target_id=match.id,
                 need=need.id)
    notify(session, person, "confirmed", {"need": need.title}, link="/commitments", base_url=base_url, need=need)
    session.commit()
    return match


@retrying
def reject_volunteer(*, session: Session, actor: User, match_id: int, reason: str = "") -> Match:
    """Turn down a volunteer who awaits approval. Commits."""
    reason = _reason(reason, required=False)
    begin_write(session)
    match, need, person = _managed_match(session, actor, match_id)
    move_match(session, match, Action.REJECT, need=need, reason=reason)
    audit.record(session, actor_id=actor.id, action="volunteer_rejected", target_type="match", target_id=match.id,
                 need=need.id)
    notify(session, person, "rejected", {"need": need.title}, link="/commitments")
    session.commit()
    return match


@retrying
def remove_volunteer(*, session: Session, actor: User, match_id: int, reason: str, base_url: str = "") -> Match:
    """Take a confirmed volunteer off the need, with a reason; the seat is freed and the person told
    (in-app and by e-mail, with the need's time and place). Commits."""
    reason = _reason(reason, required=True)
    begin_write(session)
    match, need, person = _managed_match(session, actor, match_id)
    move_match(session, match, Action.REMOVE, need=need, reason=reason)
    notices.tell_removed(session, need, person, reason, base_url=base_url)
    audit.record(session, actor_id=actor.id, action="volunteer_removed", target_type="match", target_id=match.id,
                 need=need.id)
    session.commit()
    return match


@retrying
def mark_attendance(*, session: Session, actor: User, match_id: int, attended: bool) -> Match:
    """After the need has started, record whether a confirmed volunteer came. Commits."""
    begin_write(session)
    match, need, _person = _managed_match(session, actor, match_id)
    if need.starts_at > utcnow():
        raise Conflict(str(_l("Attendance can be recorded once the need has started.")))
    move_match(session, match, Action.MARK_ATTENDED if attended else Action.MARK_NO_SHOW, need=need)
    session.commit()
    return match


@retrying
def cancel_need(*, session: Session, actor: User, need_id: int, base_url: str = "") -> NeedChange:
    """Cancel a need and tell everyone invited, awaiting approval or confirmed (in-app and by e-mail,
    with the time and place it had); the result names them. The calendar sequence goes up. Commits.

    Raises NotFound, Forbidden, or Conflict when the need is already cancelled or completed, also by
    a decision made at the same moment. The need changes by one conditional UPDATE, which on
    PostgreSQL waits for sign-ups in progress (they lock the need): everyone they signed up is told.
    """
    begin_write(session)
    need = load_need(session, need_id)
    require_owner(actor, need)
    final = (NeedStatus.CANCELLED, NeedStatus.COMPLETED)
    if need.status in final or not compare_and_set(session, need, Need.status.not_in(final),
                                                   status=NeedStatus.CANCELLED, updated_at=utcnow(),
                                                   sequence=Need.sequence + 1):
        raise Conflict(str(_l("This need can no longer be cancelled.")))
    told = notices.tell_cancelled(session, need, notices.live_people(session, need.id), base_url=base_url)
    audit.record(session, actor_id=actor.id, action="need_cancelled", target_type="need", target_id=need.id,
                 people_told=len(told))
    session.commit()
    return NeedChange(need, told)


@dataclass
class Board:
    need: Need
    columns: dict[str, list[tuple[Match, User]]] = field(default_factory=dict)
    hours: dict[int, dict[str, float]] = field(default_factory=dict)
    # E-mail addresses of people who joined and let coordinators of their needs see them.
    contacts: dict[int, str] = field(default_factory=dict)
    total_approved: float = 0.0
    total_pending: float = 0.0

    @property
    def seats_left(self) -> int:
        return max(0, self.need.seats - self.need.seats_taken)

    @property
    def has_started(self) -> bool:
        return self.need.starts_at <= utcnow()


def people_board(*, session: Session, actor: User, need_id: int) -> Board:
    """The need's people by status, with hours per person and in total (owner or admin)."""
    need = load_need(session, need_id)
    require_owner(actor, need)
    board = Board(need=need, columns={c: [] for c in BOARD_COLUMNS})
    rows = session.exec(
        select(Match, User, EmployeeProfile.share_contact).join(User, User.id == Match.user_id)
        .outerjoin(EmployeeProfile, EmployeeProfile.user_id == User.id)
        .where(Match.need_id == need.id).order_by(User.display_name)
    ).all()
    for match, person, shares_contact in rows:
        column = MatchStatus.CONFIRMED if match.status in HOLDS_SEAT else match.status
        if column in board.columns:
            board.columns[column].append((match, person))
        if shares_contact and match.status in JOINED:
            board.contacts[person.id] = person.email
    for record in session.exec(select(HoursRecord).where(HoursRecord.need_id == need.id)).all():
        per = board.hours.setdefault(record.user_id, {HoursStatus.APPROVED: 0.0, HoursStatus.PENDING: 0.0})
        if record.status in per:
            per[record.status] += record.hours
    board.total_approved = sum(h[HoursStatus.APPROVED] for h in board.hours.values())
    board.total_pending = sum(h[HoursStatus.PENDING] for h in board.hours.values())
    return board
