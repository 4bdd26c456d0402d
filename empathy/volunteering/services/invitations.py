"""The coordinator's suggestion list for a need, with filters, and inviting employees to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, or_, select

from empathy.core import audit
from empathy.core.db import begin_write
from empathy.core.errors import ServiceError
from empathy.core.localtime import day_start
from empathy.core.pagination import Page
from empathy.core.submissions import Submission
from empathy.core.submissions import record as record_submission
from empathy.models import EmployeeProfile, EmployeeSkill, Match, Need, NeedSkill, NeedStatus, User
from empathy.needs.clashes import clashing_needs
from empathy.profiles.credentials import missing_kinds
from empathy.suggestions.display import BANDS
from empathy.suggestions.index import MatchIndex
from empathy.suggestions.services import explain_employees, suggest_employees_page
from empathy.volunteering.lifecycle import HOLDS_SEAT, Action, allows
from empathy.volunteering.services.answer_links import answer_urls
from empathy.volunteering.services.notifications import need_details, notify
from empathy.volunteering.services.seats import (
    check_joinable,
    load_need,
    lock_need,
    match_of,
    move_match,
    require_owner,
    retrying,
)

POOL = 500  # how many ranked employees the filters and pages choose from (suggestions.ranked.RANKED)
MAX_MESSAGE = 1000
MAX_INVITES = 100


@dataclass(frozen=True)
class SuggestionFilters:
    department: str = ""
    site_id: int | None = None
    weekdays: bool = False
    weekends: bool = False
    min_level: int | None = None
    min_band: str | None = None  # the weakest calibrated band kept: strong, good or partial
    available: bool = False  # free hours a month while the need runs for what it asks a month
    has_credentials: bool = False  # holds every credential the need requires

    @property
    def is_set(self) -> bool:
        return self != SuggestionFilters()


@dataclass
class Candidate:
    user: User
    profile: EmployeeProfile
    score: float
    explanation: dict
    lacking: list[str] = field(default_factory=list)


def must_have_levels(session: Session, need_id: int, user_ids: list[int]) -> dict[int, dict[int, int]]:
    """For each user, their level in each of the need's must-have skills (skill id -> level)."""
    out: dict[int, dict[int, int]] = {uid: {} for uid in user_ids}
    if not user_ids:
        return out
    rows = session.exec(
        select(EmployeeProfile.user_id, EmployeeSkill.skill_id, EmployeeSkill.level)
        .join(EmployeeSkill, EmployeeSkill.profile_id == EmployeeProfile.id)
        .join(NeedSkill, NeedSkill.skill_id == EmployeeSkill.skill_id)
        .where(NeedSkill.need_id == need_id, NeedSkill.importance == "must", EmployeeProfile.user_id.in_(user_ids))
    ).all()
    for uid, skill_id, level in rows:
        out[uid][skill_id] = level
    return out


DAYS_PER_MONTH = 30.0  # a month of a long need's span, for spreading its hours evenly


def monthly_hours(need: Need) -> float:
    """Hours a month `need` asks of each volunteer.

    A need of up to 30 days asks its whole `hours_per_volunteer` in one month; a longer one spreads them evenly over
    its span in 30-day months (48 h over 112 days: 12.9 h a month). Units: hours.
    """
    days = (need.ends_at - need.starts_at).total_seconds() / 86400 if need.ends_at and need.starts_at else 0.0
    hours = float(need.hours_per_volunteer or 0)
    return hours * DAYS_PER_MONTH / days if days > DAYS_PER_MONTH else hours


def month_window(need: Need, tz: tzinfo = UTC) -> tuple[datetime, datetime]:
    """The calendar months of the organisation's zone `tz` that `need` runs in: (the first instant of its first
    month, the first instant after its last month), both UTC. Half-open: an end at local midnight on the 1st does
    not touch that month."""
    first = need.starts_at.astimezone(tz).date().replace(day=1)
    end = need.ends_at if need.ends_at and need.ends_at > need.starts_at else None
    last = (end - timedelta(microseconds=1)).astimezone(tz).date().replace(day=1) if end else first
    return day_start(first, tz), day_start((last + timedelta(days=32)).replace(day=1), tz)


def month_hours(session: Session, user_ids: list[int], need: Need, *, tz: tzinfo = UTC) -> dict[int, float]:
    """Hours a month each person already holds in the months `need` runs in, through their other seated needs.

    Sums `monthly_hours` of every other need (not cancelled) they hold a seat on that runs in those calendar months
    of `tz`, the organisation's zone (`month_window`); compare `EmployeeProfile.hours_per_month - month_hours` with
    `monthly_hours(need)`.
    """
    if not user_ids:
        return {}
    start, end = month_window(need, tz)
    rows = session.exec(
        select(Match.user_id, Need).join(Need, Need.id == Match.need_id)
        .where(Match.user_id.in_(user_ids), Match.status.in_(HOLDS_SEAT), Need.id != need.id,
               Need.starts_at < end, Need.ends_at > start, Need.status != NeedStatus.CANCELLED)
    ).all()
    out: dict[int, float] = {}
    for uid, other in rows:
        out[uid] = out.get(uid, 0.0) + monthly_hours(other)
    return out


def filter_candidates(session: Session, need: Need, ids: list[int], bands: dict[int, str],
                      f: SuggestionFilters, tz: tzinfo = UTC) -> list[int]:
    """The ids (order kept) passing the filters; `bands` maps ids to their band. Private counts as unknown: fails."""
    if not f.is_set or not ids:
        return ids
    if f.min_band in BANDS:
        kept = set(BANDS[: BANDS.index(f.min_band) + 1])
        ids = [i for i in ids if bands.get(i) in kept]
    profiles = {p.user_id: p for p in session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id.in_(ids)))}
    ids = [i for i in ids if i in profiles]

    def passes(p: EmployeeProfile) -> bool:
        if f.department and f.department.casefold() not in (p.department or "").casefold():
            return False
        if f.site_id and p.site_id != f.site_id:
            return False
        wants_time = f.weekdays or f.weekends or f.available
        if wants_time and not p.share_availability:
            return False
        return not ((f.weekdays and not p.available_weekdays) or (f.weekends and not p.available_weekends))

    ids = [i for i in ids if passes(profiles[i])]
    if f.min_level:
        must = list(session.exec(select(NeedSkill.skill_id).where(NeedSkill.need_id == need.id,
                                                                  NeedSkill.importance == "must")).all())
        shared = [i for i in ids if profiles[i].share_skills]
        levels = must_have_levels(session, need.id, shared)
        ids = [i for i in ids if i in levels and all(levels[i].get(s, 0) >= f.min_level for s in must)]
    if f.available:
        busy = month_hours(session, ids, need, tz=tz)
        asked = monthly_hours(need)
        ids = [i for i in ids if profiles[i].hours_per_month - busy.get(i, 0.0) >= asked]
    if f.has_credentials:
        lacking = missing_kinds(session, need.id, ids)
        ids = [i for i in ids if not lacking[i]]
    return ids


@dataclass(frozen=True)
class CandidatePage(Page[Candidate]):
    """A page of candidates, how many of all `total` are at least a partial fit, and how many were left out for
    sharing only words with the need at a weak fit (`suggestions.services.is_offered`)."""

    fitting: int = 0
    left_out: int = 0


def candidate_page(*, session: Session, index: MatchIndex, actor: User, need_id: int,
                   filters: SuggestionFilters = SuggestionFilters(), page: int = 1, per_page: int = 20,
                   keep_busy: bool = False, tz: tzinfo = UTC) -> CandidatePage | None:
    """One page of the employees suggested for a need (owner or admin), filtered, only its rows explained.

    None while no model has been fitted. Each candidate carries the credentials the need requires that they lack.
    People committed to another need at that time are left out unless `keep_busy` (the team builder names why).
    """
    need = load_need(session, need_id)
    require_owner(actor, need)
    found = suggest_employees_page(session=session, index=index, need_id=need.id, page=page, per_page=per_page,
                                   keep=lambda ids, bands: filter_candidates(session, need, ids, bands, filters, tz),
                                   keep_busy=keep_busy)
    if found is None:
        return None
    lacking = missing_kinds(session, need.id, [s.user.id for s in found.items])
    items = [Candidate(s.user, s.profile, s.score, s.explanation, lacking[s.user.id]) for s in found.items]
    return CandidatePage(items=items, total=found.total, page=found.page, per_page=found.per_page,
                         fitting=found.fitting, left_out=found.left_out)


def find_candidates(*, session: Session, index: MatchIndex, actor: User, need_id: int,
                    filters: SuggestionFilters = SuggestionFilters(), limit: int = 20,
                    pool: int = POOL, keep_busy: bool = False, tz: tzinfo = UTC,
                    ) -> tuple[list[Candidate] | None, bool]:
    """The best `limit` suggested employees passing the filters, and whether more are left (owner or admin)."""
    found = candidate_page(session=session, index=index, actor=actor, need_id=need_id, filters=filters,
                           per_page=min(limit, pool), keep_busy=keep_busy, tz=tz)
    if found is None:
        return None, False
    return found.items, found.total > len(found.items)


def invitable(session: Session, user_ids: list[int]) -> dict[int, User]:
    """The active people among `user_ids` who let coordinators suggest them (no profile yet: not opted out)."""
    rows = session.exec(
        select(User).outerjoin(EmployeeProfile, EmployeeProfile.user_id == User.id)
        .where(User.id.in_(user_ids), User.active.is_(True),
               or_(EmployeeProfile.id.is_(None), EmployeeProfile.is_suggestible.is_(True)))
    ).all()
    return {person.id: person for person in rows}


@retrying
def invite_employees(*, session: Session, index: MatchIndex, actor: User, need_id: int, user_ids: list[int],
                     message: str = "", base_url: str = "", secret_key: str = "",
                     submission: Submission | None = None) -> int:
    """Invite employees to a need, keeping their score and its explanation; returns how many. Commits.

    Each invitee gets an e-mail with the need's time, place and hours and, given the app's `secret_key`,
    signed one-click accept and decline links (answer_links).

    Refuses the whole request (ServiceError on `user_ids`, nothing written) when anyone chosen cannot be invited:
    unknown, deactivated, or opted out of being suggested. Skips the owner, people the lifecycle does not let in,
    and people committed to another need at that time (empathy.needs.clashes: they could not accept).
    AlreadySubmitted when `submission` was recorded before (its row keeps the number invited).
    """
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_MESSAGE)), field="message")
    user_ids = list(dict.fromkeys(int(u) for u in user_ids))
    if not user_ids:
        raise ServiceError(str(_l("Choose at least one person to invite.")), field="user_ids")
    if len(user_ids) > MAX_INVITES:
        raise ServiceError(str(_l("Invite at most %(n)d people at a time.", n=MAX_INVITES)), field="user_ids")

    def check(need):
        require_owner(actor, need)
        check_joinable(need)  # open, a seat left, not started

    current = load_need(session, need_id)
    check(current)
    # Keep the score and reasons each person was invited with: explain just them, before the writing transaction.
    ranked = explain_employees(session=session, index=index, need=current, user_ids=user_ids)
    scored = {s.user.id: s for s in ranked}
    begin_write(session)  # read the consents in the writing transaction: an opt-out saved meanwhile holds
    need = lock_need(session, need_id)  # a cancellation at the same moment tells them, or refuses this
    check(need)
    people = invitable(session, user_ids)
    refused = [uid for uid in user_ids if uid not in people]
    if refused:
        # One answer for an opt-out, a closed account and a made-up id: the refusal must not tell them apart.
        raise ServiceError(str(_l("These people cannot be invited: %(ids)s. They asked not to be suggested, or "
                                  "their account is closed. Nobody was invited.",
                                  ids=", ".join(map(str, refused)))), field="user_ids")
    invited = 0
    details = need_details(session, need)  # when, where, how many hours: the e-mail says them
    busy = clashing_needs(session, list(people), need)
    for person in people.values():
        if person.id == need.owner_id or person.id in busy:
            continue
        match = match_of(session, need.id, person.id)
        if match is None:
            match = Match(need_id=need.id, user_id=person.id)
            session.add(match)
            session.flush()
        elif not allows(Action.INVITE, match.status):
            continue  # already invited, signed up or decided: leave as it is
        hit = scored.get(person.id)
        scores = {"score": hit.score, "explanation": hit.explanation} if hit is not None else {}
        move_match(session, match, Action.INVITE, message=message, invited_by_id=actor.id, **scores)
        links = answer_urls(match, secret_key=secret_key, base_url=base_url) if secret_key else {}
        notify(session, person, "invited", {"by": actor.display_name, "need": need.title, **details},
               link="/commitments", base_url=base_url, message=message,
               mail_context={"answer_urls": links})
        invited += 1
    if invited:
        audit.record(session, actor_id=actor.id, action="volunteers_invited", target_type="need", target_id=need.id,
                     invited=invited)
    record_submission(session, submission, kind="invitations", target_id=invited)  # a batch: how many
    session.commit()
    return invited
