"""The coordinator's side of a need's people: approve, reject, remove, attendance, cancel."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core import audit
from empathy.core.db import begin_write, utcnow
from empathy.core.errors import Conflict, ServiceError
from empathy.models import EmployeeProfile, HoursRecord, Match, Need, User
from empathy.profiles.credentials import require_credentials
from empathy.volunteering.services.notifications import notify
from empathy.volunteering.services.seats import (
    HOLDS_SEAT,
    free_seat,
    load_match,
    load_need,
    move_match,
    require_owner,
    retrying,
    take_seat,
)

MAX_REASON = 1000
# Who counts as having joined a need, for the "contact" consent: signed up or holding a seat.
JOINED = ("volunteered", *HOLDS_SEAT)
BOARD_COLUMNS = ("invited", "volunteered", "confirmed", "declined", "withdrawn", "rejected", "removed")


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
    """Confirm a volunteer who awaits approval; it takes a seat. Commits."""
    begin_write(session)
    match, need, person = _managed_match(session, actor, match_id)
    if match.status != "volunteered":
        raise Conflict(str(_l("Only a volunteer awaiting approval can be approved.")))
    require_credentials(session, need, person.id)
    take_seat(session, need)
    move_match(session, match, ("volunteered",), "confirmed")
    audit.record(session, actor_id=actor.id, action="volunteer_approved", target_type="match", target_id=match.id,
                 need=need.id)
    notify(session, person, "confirmed", {"need": need.title}, link="/commitments", base_url=base_url)
    session.commit()
    return match


@retrying
def reject_volunteer(*, session: Session, actor: User, match_id: int, reason: str = "") -> Match:
    """Turn down a volunteer who awaits approval. Commits."""
    reason = _reason(reason, required=False)
    begin_write(session)
    match, need, person = _managed_match(session, actor, match_id)
    if match.status != "volunteered":
        raise Conflict(str(_l("Only a volunteer awaiting approval can be turned down.")))
    move_match(session, match, ("volunteered",), "rejected", reason=reason)
    audit.record(session, actor_id=actor.id, action="volunteer_rejected", target_type="match", target_id=match.id,
                 need=need.id)
    notify(session, person, "rejected", {"need": need.title}, link="/commitments")
    session.commit()
    return match


@retrying
def remove_volunteer(*, session: Session, actor: User, match_id: int, reason: str) -> Match:
    """Take a confirmed volunteer off the need, with a reason; the seat is freed. Commits."""
    reason = _reason(reason, required=True)
    begin_write(session)
    match, need, person = _managed_match(session, actor, match_id)
    if match.status != "confirmed":
        raise Conflict(str(_l("Only a confirmed volunteer can be removed.")))
    move_match(session, match, ("confirmed",), "removed", reason=reason)
    free_seat(session, need)
    notify(session, person, "removed", {"need": need.title, "reason": reason}, link="/commitments")
    session.commit()
    return match


@retrying
def mark_attendance(*, session: Session, actor: User, match_id: int, attended: bool) -> Match:
    """After the need has started, record whether a confirmed volunteer came. Commits."""
    begin_write(session)
    match, need, _person = _managed_match(session, actor, match_id)
    if need.starts_at > utcnow():
        raise Conflict(str(_l("Attendance can be recorded once the need has started.")))
    if match.status not in HOLDS_SEAT:
        raise Conflict(str(_l("Only confirmed volunteers have an attendance.")))
    move_match(session, match, HOLDS_SEAT, "attended" if attended else "no_show")
    session.commit()
    return match


@retrying
def cancel_need(*, session: Session, actor: User, need_id: int, base_url: str = "") -> Need:
    """Cancel a need and tell everyone invited, awaiting approval or confirmed. Commits."""
    begin_write(session)
    need = load_need(session, need_id)
    require_owner(actor, need)
    if need.status in ("cancelled", "completed"):
        raise Conflict(str(_l("This need can no longer be cancelled.")))
    need.status, need.updated_at = "cancelled", utcnow()
    session.add(need)
    people = session.exec(
        select(User).join(Match, Match.user_id == User.id)
        .where(Match.need_id == need.id, Match.status.in_(("invited", "volunteered", "confirmed")))
    ).all()
    for person in people:
        notify(session, person, "cancelled", {"need": need.title}, link="/commitments", base_url=base_url)
    audit.record(session, actor_id=actor.id, action="need_cancelled", target_type="need", target_id=need.id,
                 people_told=len(people))
    session.commit()
    return need


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
        column = "confirmed" if match.status in HOLDS_SEAT else match.status
        if column in board.columns:
            board.columns[column].append((match, person))
        if shares_contact and match.status in JOINED:
            board.contacts[person.id] = person.email
    for record in session.exec(select(HoursRecord).where(HoursRecord.need_id == need.id)).all():
        per = board.hours.setdefault(record.user_id, {"approved": 0.0, "pending": 0.0})
        if record.status in per:
            per[record.status] += record.hours
    board.total_approved = sum(h["approved"] for h in board.hours.values())
    board.total_pending = sum(h["pending"] for h in board.hours.values())
    return board
