"""The coordinator's suggestion list for a need, with filters, and inviting employees to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, or_, select

from empathy.core import audit
from empathy.core.db import begin_write
from empathy.core.errors import Conflict, ServiceError
from empathy.core.submissions import Submission
from empathy.core.submissions import record as record_submission
from empathy.models import EmployeeProfile, EmployeeSkill, Match, NeedSkill, User
from empathy.profiles.credentials import missing_kinds
from empathy.suggestions.index import MatchIndex
from empathy.suggestions.services import suggest_employees
from empathy.volunteering.lifecycle import Action, allows
from empathy.volunteering.services.notifications import notify
from empathy.volunteering.services.seats import (
    check_joinable,
    load_need,
    lock_need,
    match_of,
    move_match,
    require_owner,
    retrying,
)

POOL = 200  # how many ranked employees the filters choose from
MAX_MESSAGE = 1000
MAX_INVITES = 100


@dataclass(frozen=True)
class SuggestionFilters:
    department: str = ""
    site_id: int | None = None
    weekdays: bool = False
    weekends: bool = False
    min_level: int | None = None


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


def _passes(c: Candidate, f: SuggestionFilters, levels: dict[int, int], must: list[int]) -> bool:
    if f.department and f.department.casefold() not in (c.profile.department or "").casefold():
        return False
    if f.site_id and c.profile.site_id != f.site_id:
        return False
    if (f.weekdays and not c.profile.available_weekdays) or (f.weekends and not c.profile.available_weekends):
        return False
    if f.min_level and any(levels.get(s, 0) < f.min_level for s in must):
        return False
    return True


def find_candidates(*, session: Session, index: MatchIndex, actor: User, need_id: int,
                    filters: SuggestionFilters = SuggestionFilters(), limit: int = 20,
                    pool: int = POOL) -> tuple[list[Candidate] | None, bool]:
    """Ranked suggested employees passing the filters, and whether more are left (owner or admin)."""
    need = load_need(session, need_id)
    require_owner(actor, need)
    ranked = suggest_employees(session=session, index=index, need_id=need.id, k=pool)
    if ranked is None:
        return None, False
    ids = [s.user.id for s in ranked]
    lacking = missing_kinds(session, need.id, ids)
    # Levels of people who keep their skills private count as unknown: a filter must not reveal them.
    hidden = {s.user.id for s in ranked if not s.profile.share_skills}
    levels = must_have_levels(session, need.id, [i for i in ids if i not in hidden])
    levels.update({i: {} for i in hidden})
    must = list(session.exec(select(NeedSkill.skill_id).where(NeedSkill.need_id == need.id,
                                                              NeedSkill.importance == "must")).all())
    out = [Candidate(s.user, s.profile, s.score, s.explanation, lacking[s.user.id]) for s in ranked]
    out = [c for c in out if _passes(c, filters, levels[c.user.id], must)]
    return out[:limit], len(out) > limit


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
                     message: str = "", base_url: str = "", submission: Submission | None = None) -> int:
    """Invite employees to a need, keeping their score and its explanation; returns how many. Commits.

    Refuses the whole request (ServiceError on `user_ids`, nothing written) when anyone chosen cannot be invited:
    unknown, deactivated, or opted out of being suggested. Skips the owner and people the lifecycle does not let in.
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
        check_joinable(need)
        if need.seats_taken >= need.seats:
            raise Conflict(str(_l("Every seat of this need is taken.")))

    check(load_need(session, need_id))
    ranked = suggest_employees(session=session, index=index, need_id=need_id, k=POOL) or []
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
    for person in people.values():
        if person.id == need.owner_id:
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
        notify(session, person, "invited", {"by": actor.display_name, "need": need.title},
               link="/commitments", base_url=base_url, message=message)
        invited += 1
    if invited:
        audit.record(session, actor_id=actor.id, action="volunteers_invited", target_type="need", target_id=need.id,
                     invited=invited)
    record_submission(session, submission, kind="invitations", target_id=invited)  # a batch: how many
    session.commit()
    return invited
