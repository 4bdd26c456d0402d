"""What an employee does with a need: volunteer, accept or decline an invitation, withdraw."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core.db import begin_write, utcnow
from empathy.core.errors import Conflict, ServiceError
from empathy.core.submissions import Submission
from empathy.core.submissions import record as record_submission
from empathy.models import Match, MatchStatus, Need, NeedStatus, Site, User
from empathy.needs.clashes import clashing_needs, invited_clashes, require_no_clash
from empathy.profiles.credentials import require_credentials
from empathy.volunteering.lifecycle import JOINED, SETTLED, Action, transition
from empathy.volunteering.services.notifications import notify
from empathy.volunteering.services.seats import (
    check_joinable,
    load_match,
    load_need,
    lock_need,
    match_of,
    move_match,
    require_not_owner,
    require_own,
    retrying,
)

MAX_MESSAGE = 1000


def _owner(session: Session, need: Need) -> User | None:
    return session.get(User, need.owner_id) if need.owner_id else None


@retrying
def volunteer(*, session: Session, user: User, need_id: int, message: str = "", base_url: str = "",
              submission: Submission | None = None) -> Match:
    """Sign up for a need: confirmed at once while seats remain, or awaiting approval. Commits.

    Conflict when already signed up, or when committed to another need at that time (naming it,
    empathy.needs.clashes); Forbidden for the need's own coordinator (they lead it, see `require_not_owner`);
    AlreadySubmitted when `submission` was recorded before.
    """
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_MESSAGE)), field="message")
    begin_write(session)
    need = lock_need(session, need_id)
    require_not_owner(user, need)
    check_joinable(need)
    match = match_of(session, need.id, user.id)
    if match is not None and match.status in JOINED:
        raise Conflict(str(_l("You have already signed up for this need.")))
    require_no_clash(session, user, need)
    # An invitation stands for the coordinator's approval.
    approving = need.requires_approval and (match is None or match.status != MatchStatus.INVITED)
    action = Action.VOLUNTEER if approving else Action.JOIN
    if match is not None:
        transition(action, match.status)  # refuse a decision that stands before anything else
    else:
        match = Match(need_id=need.id, user_id=user.id)
        session.add(match)
        try:
            session.flush()
        except IntegrityError:  # the same person signing up twice at the same moment
            raise Conflict(str(_l("You have already signed up for this need."))) from None
    require_credentials(session, need, user.id)
    values = {"responded_at": utcnow(), "reason": message} if message else {"responded_at": utcnow()}
    owner = _owner(session, need)
    move_match(session, match, action, need=need, **values)
    if approving:
        if owner is not None:
            notify(session, owner, "volunteered", {"name": user.display_name, "need": need.title},
                   link=f"/needs/{need.id}/people")
    else:
        notify(session, user, "confirmed", {"need": need.title}, link="/commitments", base_url=base_url, need=need)
        if owner is not None:
            notify(session, owner, "signed_up", {"name": user.display_name, "need": need.title},
                   link=f"/needs/{need.id}/people")
    record_submission(session, submission, kind="match", target_id=match.id)
    session.commit()
    return match


def find_match(session: Session, match_id: int) -> Match | None:
    """One match by id, or None; no permission check (for answering a repeated sign-up)."""
    return session.get(Match, match_id)


@retrying
def accept_invitation(*, session: Session, user: User, match_id: int, base_url: str = "") -> Match:
    """Accept an invitation: it takes a seat and confirms the employee. Commits.

    Conflict (naming the need) when the employee is committed to another need at that time."""
    begin_write(session)
    match = load_match(session, match_id)
    require_own(user, match)
    transition(Action.ACCEPT, match.status)
    need = lock_need(session, match.need_id)
    require_not_owner(user, need)
    check_joinable(need)
    require_no_clash(session, user, need)
    require_credentials(session, need, user.id)
    move_match(session, match, Action.ACCEPT, need=need, responded_at=utcnow())
    notify(session, user, "confirmed", {"need": need.title}, link="/commitments", base_url=base_url, need=need)
    session.commit()
    return match


@retrying
def decline_invitation(*, session: Session, user: User, match_id: int) -> Match:
    """Say no to an invitation. Commits."""
    begin_write(session)
    match = load_match(session, match_id)
    require_own(user, match)
    move_match(session, match, Action.DECLINE, responded_at=utcnow())
    session.commit()
    return match


@retrying
def withdraw(*, session: Session, user: User, match_id: int) -> Match:
    """Step back from a need before it starts; a confirmed seat is given back. Commits."""
    begin_write(session)
    match = load_match(session, match_id)
    require_own(user, match)
    transition(Action.WITHDRAW, match.status)
    need = load_need(session, match.need_id)
    if need.starts_at <= utcnow():
        raise Conflict(str(_l("This need has already started; ask the coordinator instead.")))
    move_match(session, match, Action.WITHDRAW, need=need, responded_at=utcnow())
    owner = _owner(session, need)
    if owner is not None:
        notify(session, owner, "withdrawn", {"name": user.display_name, "need": need.title},
               link=f"/needs/{need.id}/people")
    session.commit()
    return match


def sign_up_clashes(*, session: Session, user: User, need: Need) -> tuple[Need | None, Need | None]:
    """Before `user` signs up for `need`: a need they are committed to that overlaps it (signing up is refused),
    and one they are invited to that overlaps it (they could no longer accept that invitation)."""
    committed = clashing_needs(session, [user.id], need).get(user.id, [])
    invited = invited_clashes(session, user.id, need)
    return (committed[0] if committed else None), (invited[0] if invited else None)


@dataclass
class Commitments:
    invitations: list[tuple[Match, Need]] = field(default_factory=list)
    volunteered: list[tuple[Match, Need]] = field(default_factory=list)
    confirmed: list[tuple[Match, Need]] = field(default_factory=list)
    past: list[tuple[Match, Need]] = field(default_factory=list)
    # Invitations (by match id) that clash with a need the employee is committed to: accepting is refused.
    clashes: dict[int, Need] = field(default_factory=dict)
    # Commitments (by match id) that overlap another of the employee's (made before the rule, or by a need
    # that moved): the first need they overlap, so the page asks them to withdraw from one.
    overlaps: dict[int, Need] = field(default_factory=dict)
    # Invitations, sign-ups and commitments (by match id) that overlap another invitation of the employee's
    # (empathy.needs.clashes.invited_clashes): nothing is refused yet, but only one of the two can be kept.
    invited_overlaps: dict[int, Need] = field(default_factory=dict)
    # The sites of the invitations' needs, by id: an invitation says where as well as when.
    sites: dict[int, Site] = field(default_factory=dict)


def my_commitments(*, session: Session, user: User) -> Commitments:
    """The employee's invitations, pending sign-ups, confirmed and past commitments."""
    now = utcnow()
    rows = session.exec(
        select(Match, Need).join(Need, Need.id == Match.need_id)
        .where(Match.user_id == user.id, Match.status != MatchStatus.SUGGESTED).order_by(Need.starts_at)
    ).all()
    out = Commitments()
    for match, need in rows:
        over = need.ends_at <= now  # half-open: a need ending now is over
        if over or need.status in (NeedStatus.CANCELLED, NeedStatus.COMPLETED) or match.status in SETTLED:
            out.past.append((match, need))
        elif match.status == MatchStatus.INVITED:
            out.invitations.append((match, need))
        elif match.status == MatchStatus.VOLUNTEERED:
            out.volunteered.append((match, need))
        else:
            out.confirmed.append((match, need))
    out.past.reverse()
    for match, need in out.invitations:
        clash = clashing_needs(session, [user.id], need).get(user.id)
        if clash:
            out.clashes[match.id] = clash[0]
    for match, need in out.volunteered + out.confirmed:
        clash = clashing_needs(session, [user.id], need).get(user.id)
        if clash:
            out.overlaps[match.id] = clash[0]
    for match, need in out.invitations + out.volunteered + out.confirmed:
        if match.id not in out.clashes and match.id not in out.overlaps:
            invited = invited_clashes(session, user.id, need)
            if invited:
                out.invited_overlaps[match.id] = invited[0]
    site_ids = {need.site_id for _m, need in out.invitations if need.site_id is not None}
    if site_ids:
        out.sites = {s.id: s for s in session.exec(select(Site).where(Site.id.in_(site_ids))).all()}
    return out
