"""Reading welfare needs: one need with its skills, site and owner, and filtered pages of needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta, tzinfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.errors import NotFound
from empathy.core.localtime import day_start
from empathy.core.pagination import Page, paginate
from empathy.core.text import like_pattern
from empathy.models import (
    CREDENTIAL_KINDS,
    Match,
    Need,
    NeedCredential,
    NeedSkill,
    NeedStatus,
    Site,
    Skill,
    User,
)
from empathy.needs.clashes import clashing_needs, invited_clashes
from empathy.needs.joinable import has_started, is_joinable, joinable_clause
from empathy.volunteering.lifecycle import CAN_LOG_HOURS, JOINED


@dataclass
class NeedDetail:
    need: Need
    skills: list[tuple[NeedSkill, Skill]]
    site: Site | None
    owner: User | None
    mine: Match | None = None  # the viewer's own sign-up or invitation, if any
    clash: Need | None = None  # a need the viewer is committed to that overlaps this one (needs.clashes)
    invited_clash: Need | None = None  # a need the viewer is invited to that overlaps this one

    @property
    def seats_left(self) -> int:
        return max(0, self.need.seats - self.need.seats_taken)

    @property
    def is_joinable(self) -> bool:
        """Open, a seat left, not started: only then are Volunteer and Invite offered."""
        return is_joinable(self.need)

    @property
    def has_joined(self) -> bool:
        """The viewer has signed up already (awaiting approval or holding a seat)."""
        return self.mine is not None and self.mine.status in JOINED

    @property
    def can_log_hours(self) -> bool:
        """The viewer holds a seat that lets them log hours, and the need has started."""
        return (self.mine is not None and self.mine.status in CAN_LOG_HOURS
                and self.need.status != NeedStatus.CANCELLED and has_started(self.need))


def _visible_to(viewer: User):
    if viewer.is_admin:
        return sa.true()
    return sa.or_(Need.status != NeedStatus.DRAFT, Need.owner_id == viewer.id)


def get_need(*, session: Session, viewer: User, need_id: int) -> NeedDetail:
    """A need with its skills, site and owner; drafts only for their owner and admins."""
    need = session.exec(select(Need).where(Need.id == need_id, _visible_to(viewer))).first()
    if need is None:
        raise NotFound(str(_l("There is no such need.")))
    skills = session.exec(
        select(NeedSkill, Skill).join(Skill, Skill.id == NeedSkill.skill_id)
        .where(NeedSkill.need_id == need.id)
        .order_by(NeedSkill.importance.desc(), NeedSkill.min_level.desc(), Skill.label_en)
    ).all()
    site = session.get(Site, need.site_id) if need.site_id else None
    owner = session.get(User, need.owner_id) if need.owner_id else None
    mine = session.exec(select(Match).where(Match.need_id == need.id, Match.user_id == viewer.id)).first()
    clash = next(iter(clashing_needs(session, [viewer.id], need).get(viewer.id, [])), None)
    invited = next(iter(invited_clashes(session, viewer.id, need)), None)
    return NeedDetail(need=need, skills=[(ns, s) for ns, s in skills], site=site, owner=owner, mine=mine,
                      clash=clash, invited_clash=invited)



def search_needs(
    *,
    session: Session,
    viewer: User,
    query: str = "",
    status: str | tuple[str, ...] | None = None,
    cause: str | None = None,
    site_id: int | None = None,
    remote: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    owner_id: int | None = None,
    tz: tzinfo = UTC,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """One page of the needs the viewer may see, filtered; soonest first.

    Dates are days in `tz`; a need matches when it runs at some time within the range, its run read as
    half-open (empathy.core.localtime): one that ends at 00:00 does not touch the day that begins then.
    """
    stmt = select(Need).where(_visible_to(viewer))
    text = " ".join((query or "").split())
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(sa.or_(*(col.ilike(pattern, escape="\\") for col in
                                   (Need.title, Need.description, Need.beneficiary))))
    if status == NeedStatus.OPEN:
        stmt = stmt.where(joinable_clause())  # "open" means it still takes volunteers: not started, a seat left
    elif isinstance(status, str) and status:
        stmt = stmt.where(Need.status == status)
    elif isinstance(status, tuple) and status:
        stmt = stmt.where(Need.status.in_(status))
    if cause:
        stmt = stmt.where(Need.cause == cause)
    if site_id is not None:
        stmt = stmt.where(Need.site_id == site_id)
    if remote is not None:
        stmt = stmt.where(Need.is_remote == remote)
    if date_from is not None:
        lo = day_start(date_from, tz)
        # A need of no length (start = end) at that very moment is on the day; any other must end after it.
        stmt = stmt.where(sa.or_(Need.ends_at > lo, Need.starts_at >= lo))
    if date_to is not None:
        stmt = stmt.where(Need.starts_at < day_start(date_to + timedelta(days=1), tz))
    if owner_id is not None:
        stmt = stmt.where(Need.owner_id == owner_id)
    return paginate(session, stmt.order_by(Need.starts_at, Need.id), page=page, per_page=per_page, window_count=True)


def all_sites(session: Session) -> dict[int, Site]:
    """Every site by id in name order, for showing names in lists (inactive ones included)."""
    return {s.id: s for s in session.exec(select(Site).order_by(Site.name_en)).all()}


def owners_of(session: Session, needs: list[Need]) -> dict[int, User]:
    """The owners of these needs by id."""
    ids = {n.owner_id for n in needs if n.owner_id}
    if not ids:
        return {}
    return {u.id: u for u in session.exec(select(User).where(User.id.in_(ids))).all()}


def need_skill_rows(session: Session, need_ids: list[int]) -> dict[int, list[tuple[NeedSkill, Skill]]]:
    """The skill rows of these needs with their skills, must-haves first, then by level and name: one query."""
    out: dict[int, list[tuple[NeedSkill, Skill]]] = {i: [] for i in need_ids}
    if not need_ids:
        return out
    rows = session.exec(
        select(NeedSkill, Skill).join(Skill, Skill.id == NeedSkill.skill_id)
        .where(NeedSkill.need_id.in_(need_ids))
        .order_by(NeedSkill.importance.desc(), NeedSkill.min_level.desc(), Skill.name)
    ).all()
    for ns, skill in rows:
        out[ns.need_id].append((ns, skill))
    return out


def need_credentials(session: Session, need_ids: list[int]) -> dict[int, list[str]]:
    """The credential kinds each of these needs requires, in the fixed list's order: one query."""
    out: dict[int, list[str]] = {i: [] for i in need_ids}
    if need_ids:
        for row in session.exec(select(NeedCredential).where(NeedCredential.need_id.in_(need_ids))).all():
            out[row.need_id].append(row.kind)
    return {i: sorted(kinds, key=CREDENTIAL_KINDS.index) for i, kinds in out.items()}
