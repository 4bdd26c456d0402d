"""What an employee does with a need: volunteer, accept or decline an invitation, withdraw."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core.db import begin_write, utcnow
from empathy.core.errors import Conflict, ServiceError
from empathy.models import Match, Need, User
from empathy.profiles.credentials import require_credentials
from empathy.volunteering.services.notifications import notify
from empathy.volunteering.services.seats import (
    HOLDS_SEAT,
    check_joinable,
    free_seat,
    load_match,
    load_need,
    match_of,
    move_match,
    require_own,
    retrying,
    take_seat,
)

MAX_MESSAGE = 1000
# A new sign-up may reuse a match row in these states; the others are decisions that stand.
REUSABLE = ("suggested", "invited", "declined", "withdrawn")


def _owner(session: Session, need: Need) -> User | None:
    return session.get(User, need.owner_id) if need.owner_id else None


@retrying
def volunteer(*, session: Session, user: User, need_id: int, message: str = "", base_url: str = "") -> Match:
    """Sign up for a need: confirmed at once while seats remain, or awaiting approval. Commits."""
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_MESSAGE)), field="message")
    begin_write(session)
    need = load_need(session, need_id)
    check_joinable(need)
    match = match_of(session, need.id, user.id)
    if match is not None and match.status not in REUSABLE:
        if match.status in ("volunteered", *HOLDS_SEAT):
            raise Conflict(str(_l("You have already signed up for this need.")))
        raise Conflict(str(_l("The coordinator has already decided on your sign-up for this need.")))
    if match is None:
        match = Match(need_id=need.id, user_id=user.id, status="suggested")
        session.add(match)
        try:
            session.flush()
        except IntegrityError:  # the same person signing up twice at the same moment
            raise Conflict(str(_l("You have already signed up for this need."))) from None
    needs_approval = need.requires_approval and match.status != "invited"
    require_credentials(session, need, user.id)
    values = {"responded_at": utcnow(), "reason": message} if message else {"responded_at": utcnow()}
    owner = _owner(session, need)
    if needs_approval:
        move_match(session, match, REUSABLE, "volunteered", **values)
        if owner is not None:
            notify(session, owner, "volunteered", {"name": user.display_name, "need": need.title},
                   link=f"/needs/{need.id}/people")
    else:
        take_seat(session, need)
        move_match(session, match, REUSABLE, "confirmed", **values)
        notify(session, user, "confirmed", {"need": need.title}, link="/commitments", base_url=base_url)
        if owner is not None:
            notify(session, owner, "signed_up", {"name": user.display_name, "need": need.title},
                   link=f"/needs/{need.id}/people")
    session.commit()
    return match


@retrying
def accept_invitation(*, session: Session, user: User, match_id: int, base_url: str = "") -> Match:
    """Accept an invitation: it takes a seat and confirms the employee. Commits."""
    begin_write(session)
    match = load_match(session, match_id)
    require_own(user, match)
    if match.status != "invited":
        raise Conflict(str(_l("There is no open invitation to accept.")))
    need = load_need(session, match.need_id)
    check_joinable(need)
    require_credentials(session, need, user.id)
    take_seat(session, need)
    move_match(session, match, ("invited",), "confirmed", responded_at=utcnow())
    notify(session, user, "confirmed", {"need": need.title}, link="/commitments", base_url=base_url)
    session.commit()
    return match


@retrying
def decline_invitation(*, session: Session, user: User, match_id: int) -> Match:
    """Say no to an invitation. Commits."""
    begin_write(session)
    match = load_match(session, match_id)
    require_own(user, match)
    if match.status != "invited":
        raise Conflict(str(_l("There is no open invitation to decline.")))
    move_match(session, match, ("invited",), "declined", responded_at=utcnow())
    session.commit()
    return match


@retrying
def withdraw(*, session: Session, user: User, match_id: int) -> Match:
    """Step back from a need before it starts; a confirmed seat is given back. Commits."""
    begin_write(session)
    match = load_match(session, match_id)
    require_own(user, match)
    if match.status not in ("volunteered", "confirmed"):
        raise Conflict(str(_l("You are not signed up for this need.")))
    need = load_need(session, match.need_id)
    if need.starts_at <= utcnow():
        raise Conflict(str(_l("This need has already started; ask the coordinator instead.")))
    was_confirmed = match.status == "confirmed"
    move_match(session, match, (match.status,), "withdrawn", responded_at=utcnow())
    if was_confirmed:
        free_seat(session, need)
    owner = _owner(session, need)
    if owner is not None:
        notify(session, owner, "withdrawn", {"name": user.display_name, "need": need.title},
               link=f"/needs/{need.id}/people")
    session.commit()
    return match


@dataclass
class Commitments:
    invitations: list[tuple[Match, Need]] = field(default_factory=list)
    volunteered: list[tuple[Match, Need]] = field(default_factory=list)
    confirmed: list[tuple[Match, Need]] = field(default_factory=list)
    past: list[tuple[Match, Need]] = field(default_factory=list)


def my_commitments(*, session: Session, user: User) -> Commitments:
    """The employee's invitations, pending sign-ups, confirmed and past commitments."""
    now = utcnow()
    rows = session.exec(
        select(Match, Need).join(Need, Need.id == Match.need_id)
        .where(Match.user_id == user.id, Match.status != "suggested").order_by(Need.starts_at)
    ).all()
    out = Commitments()
    for match, need in rows:
        if need.ends_at < now or need.status in ("cancelled", "completed") or match.status in (
                "attended", "no_show", "declined", "rejected", "removed", "withdrawn"):
            out.past.append((match, need))
        elif match.status == "invited":
            out.invitations.append((match, need))
        elif match.status == "volunteered":
            out.volunteered.append((match, need))
        else:
            out.confirmed.append((match, need))
    out.past.reverse()
    return out
