"""Suggested employees for a need, and suggested needs for an employee, with the reasons.

Ranking is cheap and cached (`suggestions.ranked`); explaining is not, so only the rows a page
shows are explained.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.sql import Select
from sqlmodel import Session, select

from empathy.core.db import utcnow
from empathy.core.errors import NotFound
from empathy.core.pagination import MAX_PAGE, MAX_PER_PAGE
from empathy.matching import SkillMatcher
from empathy.models import EmployeeProfile, EmployeeSkill, Match, Need, NeedSkill, User
from empathy.needs.clashes import blocked_windows, busy_people, clashes_with_windows
from empathy.needs.joinable import joinable_clause
from empathy.privacy.services import redacted_explanation, shared_view
from empathy.suggestions.index import MatchIndex
from empathy.suggestions.ranked import employee_needs, explained, need_ranking
from empathy.volunteering.lifecycle import ENGAGED


def has_common_ground(explanation: dict | None) -> bool:
    """Whether the matcher's explanation finds anything in common: a skill that matched, a related skill the
    person holds (Accounting for Bookkeeping) or a word that counted.

    A pair with neither, whose person does not hold one of the need's skills either (`sharing_a_skill`: a
    beginner in a skill asked at a higher level is still suggested, with the skill as missing), ranks only on
    faint text resemblance and tie-breaks (cause, language): it is left out of every list of suggestions,
    while the ranking itself stays as the matcher made it."""
    explanation = explanation or {}
    return bool(explanation.get("matched_skills") or explanation.get("related_skills") or explanation.get("top_terms"))


def sharing_a_skill(session: Session, *, need_ids: Sequence[int], user_ids: Sequence[int]) -> set[tuple[int, int]]:
    """The (need id, user id) pairs among these where the person holds one of the need's skills, at any level."""
    if not need_ids or not user_ids:
        return set()
    rows = session.exec(
        select(NeedSkill.need_id, EmployeeProfile.user_id)
        .join(EmployeeSkill, EmployeeSkill.skill_id == NeedSkill.skill_id)
        .join(EmployeeProfile, EmployeeProfile.id == EmployeeSkill.profile_id)
        .where(NeedSkill.need_id.in_(list(need_ids)), EmployeeProfile.user_id.in_(list(user_ids)))
    ).all()
    return {(int(n), int(u)) for n, u in rows}


@dataclass(frozen=True)
class SuggestedEmployee:
    user: User
    profile: EmployeeProfile
    score: float
    explanation: dict


@dataclass(frozen=True)
class SuggestedNeed:
    need: Need
    score: float
    explanation: dict


@dataclass(frozen=True)
class EmployeePage:
    """One page of a need's suggested employees, explained, and how many passed the filters in all.

    `total` leaves out the people found to have nothing in common with the need (`has_common_ground`): all of
    them in a ranking of up to `COMMON_GROUND_ALL`, else those among the pages up to this one."""
    items: list[SuggestedEmployee]
    total: int
    page: int
    per_page: int
    # How many of `total` are at least a partial fit (band strong, good or partial): "have some common ground"
    # and "fit" are not the same story when the best of them is a weak fit.
    fitting: int = 0


def _load_need(session: Session, need_id: int) -> Need:
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound("need")
    return need


def engaged_with(session: Session, need: Need) -> set[int]:
    """Users no longer suggested for the need: its owner and everyone asked, signed up or decided."""
    taken = set(session.exec(select(Match.user_id).where(Match.need_id == need.id, Match.status.in_(ENGAGED))).all())
    if need.owner_id is not None:
        taken.add(need.owner_id)
    return taken


def ranked_candidates(*, session: Session, index: MatchIndex, need: Need, model: SkillMatcher | None = None,
                      keep_busy: bool = False) -> tuple[list[int], dict[int, str]] | None:
    """User ids suggested for the need, best first, and their bands; None before a fit.

    Engaged people are left out, and so is everyone committed to another need at that time
    (empathy.needs.clashes) unless `keep_busy`."""
    model = model or index.current(session)
    if model is None:
        return None
    ranking = need_ranking(session, index, model, need)
    taken = engaged_with(session, need)
    if not keep_busy:
        taken |= busy_people(session, need)
    return [i for i in ranking.ids if i not in taken], ranking.bands


def explain_employees(*, session: Session, index: MatchIndex, need: Need, user_ids: Sequence[int],
                      model: SkillMatcher | None = None) -> list[SuggestedEmployee]:
    """The given candidates of a need, in order, with score and explanation as coordinators may see them.

    People deleted, deactivated or opted out since the model last looked are left out. `model`: the index's
    current one when the caller holds it already.
    """
    model = model or index.current(session)
    if model is None or not user_ids:
        return []
    rows = {
        user.id: (user, profile)
        for user, profile in session.exec(
            select(User, EmployeeProfile).join(EmployeeProfile, EmployeeProfile.user_id == User.id)
            .where(User.id.in_(list(user_ids)))
        ).all()
    }
    keep = [i for i in user_ids if i in rows and rows[i][0].active and rows[i][1].is_suggestible]
    out = []
    for s in explained(session, index, model, need, keep):
        user, profile = rows[int(s.id)]
        # Coordinators see only what the employee consented to show (services.privacy).
        out.append(SuggestedEmployee(user, shared_view(profile), s.score, redacted_explanation(s.explanation, profile)))
    return out


def suggest_employees_page(*, session: Session, index: MatchIndex, need_id: int, page: int = 1, per_page: int = 20,
                           keep: Callable[[list[int], dict[int, str]], list[int]] | None = None,
                           keep_busy: bool = False) -> EmployeePage | None:
    """One page of the best employees for a need, best first, only its rows explained; None before a fit.

    `keep(ids, bands)` filters the ranked ids (order kept). `page` and `per_page` are clamped (1..100 a page).
    """
    need = _load_need(session, need_id)
    model = index.current(session)
    if model is None:
        return None
    found = ranked_candidates(session=session, index=index, need=need, model=model, keep_busy=keep_busy)
    ids, bands = found
    if keep is not None:
        ids = keep(ids, bands)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, min(int(page), MAX_PAGE))
    ids, total = _with_common_ground(session, index, model, need, ids, page * per_page)
    shown = ids[(page - 1) * per_page: page * per_page]
    fitting = sum(1 for i in ids if bands.get(i, "weak") != "weak")
    return EmployeePage(explain_employees(session=session, index=index, need=need, user_ids=shown, model=model),
                        total, page, per_page, fitting)


# Candidates looked at together for common ground: a page's worth at least. Explaining costs about a millisecond
# a person, so the whole ranking (500) is looked at only when the ranking is this short.
COMMON_GROUND_STEP = 20
COMMON_GROUND_ALL = 200


def _with_common_ground(session: Session, index: MatchIndex, model: SkillMatcher, need: Need, ids: list[int],
                        wanted: int) -> tuple[list[int], int]:
    """The ranked `ids` (order kept) without those found to have no common ground with the need, looking until
    `wanted` are found, and how many are left.

    The ids are explained in order, in steps, until `wanted` are found (the explanations are kept with the
    ranking, so the page explains them once); the ids not looked at yet count as having common ground. A short
    ranking is looked at whole, so that its count is exact: that is where most people lack common ground.
    Common ground is read from the matcher's own explanation, before privacy redacts it: a person who keeps
    their skills private is suggested on the skills they hold."""
    if len(ids) <= COMMON_GROUND_ALL:
        wanted = len(ids)
    kept: list[int] = []
    seen = 0
    while len(kept) < wanted and seen < len(ids):
        step = ids[seen: seen + max(COMMON_GROUND_STEP, wanted - len(kept))]
        seen += len(step)
        found = {int(s.id): s.explanation for s in explained(session, index, model, need, step)}
        # An id the model does not hold (yet) is not dropped here: explain_employees leaves it out as before.
        unsure = [i for i in step if i in found and not has_common_ground(found[i])]
        holders = {u for _n, u in sharing_a_skill(session, need_ids=[need.id], user_ids=unsure)}
        kept += [i for i in step if i not in unsure or i in holders]
    return kept + ids[seen:], len(kept) + len(ids) - seen


def suggest_employees(*, session: Session, index: MatchIndex, need_id: int, k: int = 20
                      ) -> list[SuggestedEmployee] | None:
    """Best employees for a need, best first, explained; None while no model has been fitted yet."""
    found = suggest_employees_page(session=session, index=index, need_id=need_id, page=1, per_page=k)
    return None if found is None else found.items


@lru_cache(maxsize=1)
def _joinable_for() -> Select:
    """(id, starts_at, ends_at) of the needs a person (bound `user_id`) could join at `now`: joinable, not
    already theirs, not led by them. Built once: composing it cost 1.7 ms a request."""
    uid, now = sa.bindparam("user_id"), sa.bindparam("now", type_=Need.__table__.c.starts_at.type)
    mine = select(Match.need_id).where(Match.user_id == uid)
    return select(Need.id, Need.starts_at, Need.ends_at).where(joinable_clause(now), Need.id.not_in(mine),
                                                               Need.owner_id.is_distinct_from(uid))


def suggest_needs(*, session: Session, index: MatchIndex, user: User, k: int = 10) -> list[SuggestedNeed] | None:
    """Joinable needs (open, a seat left, not started) that fit an employee, best first; None before a fit.

    Of the best `k`, only those with common ground (`has_common_ground`: a matched skill or a word that
    counted, or a skill of the need they hold below its level) are kept. Needs they lead, and needs that
    overlap one they are committed to (empathy.needs.clashes), are left out."""
    model = index.current(session)
    if model is None:
        return None
    key = str(user.id)
    if key not in model.employee_docs_:
        return []
    windows = blocked_windows(session, user.id)
    joinable = {i for i, starts, ends in session.exec(_joinable_for(), params={"user_id": user.id, "now": utcnow()})
                if not clashes_with_windows(starts, ends, windows)}
    # Needs with nothing in common with the person are not offered (the ranking itself stays the matcher's).
    ranked = employee_needs(index, model, user.id, frozenset(joinable), k)
    unsure = [int(s.id) for s in ranked if not has_common_ground(s.explanation)]
    holders = {n for n, _u in sharing_a_skill(session, need_ids=unsure, user_ids=[user.id])}
    ranked = [s for s in ranked if int(s.id) not in unsure or int(s.id) in holders]
    needs = {n.id: n for n in session.exec(select(Need).where(Need.id.in_([int(s.id) for s in ranked]))).all()}
    return [SuggestedNeed(needs[int(s.id)], s.score, s.explanation) for s in ranked if int(s.id) in needs]
