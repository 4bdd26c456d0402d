"""Telling a need's people that it moved or was called off, and showing its coordinator who was told.

A need's time and place are what its volunteers plan around: when either changes, or the need is
cancelled, everyone invited, awaiting approval or confirmed gets a notice (in-app, and an e-mail
through the outbox in their language), with the time and place before and after. The notices name the
need (`Notification.need_id`), so its page can list who was told and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext
from sqlmodel import Session, select

from empathy.core.i18n import format_list
from empathy.models import Match, MatchStatus, Need, Notification, Site, User
from empathy.needs.clashes import COMMITTED, clashing_needs
from empathy.volunteering.lifecycle import LIVE
from empathy.volunteering.services.notifications import notify, place_params

# Notices a coordinator sees listed on the need's page.
NOTICE_KINDS = ("need_changed", "cancelled", "removed")
SHOWN_NOTICES = 50  # the newest notices listed on the need's page


@dataclass
class NeedChange:
    """A need after a use case that may have told its people: `told` holds their display names; `clashing`
    the display names of people committed to it who, after a move, are also committed to another need that
    overlaps its new time (empathy.needs.clashes)."""

    need: Need
    told: list[str] = field(default_factory=list)
    clashing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Schedule:
    """When and where a need takes place: what a change notice compares."""

    starts_at: datetime
    ends_at: datetime
    site_id: int | None
    is_remote: bool

    @classmethod
    def of(cls, need: Need) -> Schedule:
        return cls(need.starts_at, need.ends_at, need.site_id, bool(need.is_remote))

    def params(self, session: Session, prefix: str = "") -> dict:
        """The notice's parameters for this time and place (ISO datetimes, the place in both languages)."""
        site = session.get(Site, self.site_id) if self.site_id else None
        return {f"{prefix}starts_at": self.starts_at.isoformat(), f"{prefix}ends_at": self.ends_at.isoformat(),
                f"{prefix}place": place_params(site, self.is_remote)}


def live_people(session: Session, need_id: int) -> list[User]:
    """Everyone invited, awaiting approval or confirmed for the need, by name."""
    return list(session.exec(
        select(User).join(Match, Match.user_id == User.id)
        .where(Match.need_id == need_id, Match.status.in_(LIVE)).order_by(User.display_name, User.id)
    ).all())


def invited_ids(session: Session, need_id: int) -> set[int]:
    """The people only invited to the need (not signed up): its notices are worded for them."""
    return set(session.exec(select(Match.user_id).where(Match.need_id == need_id,
                                                        Match.status == MatchStatus.INVITED)).all())


def tell_change(session: Session, need: Need, before: Schedule, *, base_url: str = "") -> list[str]:
    """Tell the need's live people that its time or place changed from `before` (in-app and e-mail).

    Returns the names of the people told. The caller commits (with the change itself).
    """
    people = live_people(session, need.id)
    params = {"need": need.title, **before.params(session, "old_"), **Schedule.of(need).params(session)}
    invited = invited_ids(session, need.id)
    for person in people:
        notify(session, person, "need_changed", params, link=f"/needs/{need.id}", base_url=base_url,
               need_id=need.id, need=need, mail_context={"invited": person.id in invited})
    return [p.display_name for p in people]


def tell_clashes(session: Session, need: Need, *, base_url: str = "") -> list[User]:
    """After `need` moved: tell each person now committed to it and to another need at the same time (in-app
    and e-mail), and that other need's coordinator (in-app). Returns those people, by name; the caller
    commits."""
    ids = list(session.exec(select(Match.user_id).where(Match.need_id == need.id,
                                                        Match.status.in_(COMMITTED))).all())
    clashing = clashing_needs(session, ids, need)
    if not clashing:
        return []
    people = {u.id: u for u in session.exec(select(User).where(User.id.in_(list(clashing)))).all()}
    for uid, others in clashing.items():
        person = people[uid]
        for other in others:
            notify(session, person, "clash", {"need": need.title, "other": other.title}, link="/commitments",
                   base_url=base_url, need_id=need.id, need=need)  # the e-mail gives the moved need's new time
            owner = session.get(User, other.owner_id) if other.owner_id else None
            if owner is not None and owner.active and owner.id != need.owner_id:
                notify(session, owner, "clash_elsewhere",
                       {"moved": need.title, "need": other.title, "name": person.display_name},
                       link=f"/needs/{other.id}/people", base_url=base_url, need_id=other.id)
    return sorted((people[uid] for uid in clashing), key=lambda u: u.display_name)


def tell_cancelled(session: Session, need: Need, people: list[User], *, base_url: str = "") -> list[str]:
    """Tell `people` that the need is cancelled, with the time and place it had. The caller commits."""
    params = {"need": need.title, **Schedule.of(need).params(session)}
    invited = invited_ids(session, need.id)
    for person in people:
        notify(session, person, "cancelled", params, link="/commitments", base_url=base_url, need_id=need.id,
               need=need, mail_context={"invited": person.id in invited})
    return [p.display_name for p in people]


def tell_removed(session: Session, need: Need, person: User, reason: str, *, base_url: str = "") -> None:
    """Tell a volunteer they were taken off the need, why, and which time and place. The caller commits."""
    notify(session, person, "removed", {"need": need.title, "reason": reason, **Schedule.of(need).params(session)},
           link="/commitments", base_url=base_url, need_id=need.id, need=need)


@dataclass(frozen=True)
class SentNotice:
    """One notice as the coordinator sees it on the need's page."""

    kind: str
    name: str
    created_at: datetime
    read: bool


def sent_notices(session: Session, need_id: int, *, limit: int = SHOWN_NOTICES) -> list[SentNotice]:
    """The newest change, cancellation and removal notices about the need: who was told, when, and
    whether they have read it. No permission check: the caller shows it to the need's coordinator."""
    rows = session.exec(
        select(Notification, User.display_name).join(User, User.id == Notification.user_id)
        .where(Notification.need_id == need_id, Notification.kind.in_(NOTICE_KINDS))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).all()
    return [SentNotice(note.kind, name, note.created_at, note.read_at is not None) for note, name in rows]


def told_sentence(told: list[str]) -> str:
    """Who was told, as a sentence in the current language (for the coordinator's confirmation)."""
    if not told:
        return gettext("Nobody was invited or signed up, so nobody needed telling.")
    # One wording for any count: the number stands in brackets, not before a noun.
    return gettext("People told (%(num)d): %(names)s.", num=len(told), names=format_list(told))


def changed(before: Schedule, need: Need) -> bool:
    """Whether the need's time or place differs from `before`."""
    return Schedule.of(need) != before
