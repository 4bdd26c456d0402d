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
from empathy.matching.params import BAND_THRESHOLDS
from empathy.models import EmployeeProfile, EmployeeSkill, Match, Need, NeedSkill, Skill, User
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


# A suggestion resting on words alone (no skill of the need matched, related or held at any level) is offered
# only with at least MIN_WORDS_ONLY_TERMS words that counted and a calibrated fit of at least the lowest band's
# ("partial fit"): needs at 1-3 % were offered for one shared word (the weak band holds 1 or 2 right answers
# in 100 on the benchmark), and in a small pool one shared word can stand out from the crowd (a photographer
# read as a good fit for a garden clean-up for "garden" alone). Pages say how many they leave out.
MIN_WORDS_ONLY_FIT = BAND_THRESHOLDS["partial"]
MIN_WORDS_ONLY_TERMS = 2


def has_skill_evidence(explanation: dict | None) -> bool:
    """Whether the explanation names a skill of the need the person has: matched, or a related one they hold."""
    explanation = explanation or {}
    return bool(explanation.get("matched_skills") or explanation.get("related_skills"))


def is_offered(explanation: dict | None, holds_a_skill: bool) -> bool:
    """Whether a ranked pair is offered as a suggestion: a skill of the need in common (see `has_skill_evidence`;
    `holds_a_skill`: the person holds one of its skills at any level), or else at least `MIN_WORDS_ONLY_TERMS`
    words that counted at a fit of at least `MIN_WORDS_ONLY_FIT`."""
    explanation = explanation or {}
    if holds_a_skill or has_skill_evidence(explanation):
        return True
    return (len(explanation.get("top_terms") or []) >= MIN_WORDS_ONLY_TERMS
            and (explanation.get("fit") or 0.0) >= MIN_WORDS_ONLY_FIT)


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


def held_need_skills(session: Session, *, user_id: int, need_ids: Sequence[int]
                     ) -> dict[int, list[tuple[str, int, int]]]:
    """Per need, the need's skills this person holds at any level, by skill name: (name, level held, level asked).

    Needs without such a skill are left out. For a suggestion whose explanation matched nothing because the
    skill is held below the level asked (it is listed as missing), so that its line can still name it."""
    if not need_ids:
        return {}
    rows = session.exec(
        select(NeedSkill.need_id, Skill.name, EmployeeSkill.level, NeedSkill.min_level)
        .join(EmployeeSkill, EmployeeSkill.skill_id == NeedSkill.skill_id)
        .join(EmployeeProfile, EmployeeProfile.id == EmployeeSkill.profile_id)
        .join(Skill, Skill.id == NeedSkill.skill_id)
        .where(NeedSkill.need_id.in_(list(need_ids)), EmployeeProfile.user_id == user_id)
        .order_by(NeedSkill.need_id, Skill.name)
    ).all()
    out: dict[int, list[tuple[str, int, int]]] = {}
    for need_id, name, level, asked in rows:
        out.setdefault(int(need_id), []).append((name, int(level), int(asked)))
    return out


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
    # People left out for sharing only words with the need at a weak fit (`is_offered`), among those looked at.
    left_out: int = 0


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
    ids, total, left_out = _with_common_ground(session, index, model, need, ids, page * per_page)
    shown = ids[(page - 1) * per_page: page * per_page]
    fitting = sum(1 for i in ids if bands.get(i, "weak") != "weak")
    return EmployeePage(explain_employees(session=session, index=index, need=need, user_ids=shown, model=model),
                        total, page, per_page, fitting, left_out)


# Candidates looked at together for common ground: a page's worth at least. Explaining costs about a millisecond
# a person, so the whole ranking (500) is looked at only when the ranking is this short.
COMMON_GROUND_STEP = 20
COMMON_GROUND_ALL = 200


def _with_common_ground(session: Session, index: MatchIndex, model: SkillMatcher, need: Need, ids: list[int],
                        wanted: int) -> tuple[list[int], int, int]:
    """The ranked `ids` (order kept) without those found to have no common ground with the need, or only words
    at a weak fit (`is_offered`), looking until `wanted` are found; how many are left, and how many of those
    looked at were left out for sharing only words.

    The ids are explained in order, in steps, until `wanted` are found (the explanations are kept with the
    ranking, so the page explains them once); the ids not looked at yet count as having common ground. A short
    ranking is looked at whole, so that its count is exact: that is where most people lack common ground.
    Common ground is read from the matcher's own explanation, before privacy redacts it: a person who keeps
    their skills private is suggested on the skills they hold."""
    if len(ids) <= COMMON_GROUND_ALL:
        wanted = len(ids)
    kept: list[int] = []
    seen = left_out = 0
    while len(kept) < wanted and seen < len(ids):
        step = ids[seen: seen + max(COMMON_GROUND_STEP, wanted - len(kept))]
        seen += len(step)
        found = {int(s.id): s.explanation for s in explained(session, index, model, need, step)}
        # An id the model does not hold (yet) is not dropped here: explain_employees leaves it out as before.
        unsure = [i for i in step if i in found and not has_skill_evidence(found[i])]
        holders = {u for _n, u in sharing_a_skill(session, need_ids=[need.id], user_ids=unsure)}
        dropped = {i for i in unsure if not is_offered(found[i], i in holders)}
        left_out += sum(1 for i in dropped if has_common_ground(found[i]))
        kept += [i for i in step if i not in dropped]
    return kept + ids[seen:], len(kept) + len(ids) - seen, left_out


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


@dataclass(frozen=True)
class NeedPage:
    """An employee's suggested needs, and how many of the best `k` were left out for sharing only words with
    their profile at a weak fit (`is_offered`)."""
    items: list[SuggestedNeed]
    left_out: int = 0


def suggest_needs_page(*, session: Session, index: MatchIndex, user: User, k: int = 10) -> NeedPage | None:
    """Joinable needs (open, a seat left, not started) that fit an employee, best first; None before a fit.

    Of the best `k`, only those offered are kept (`is_offered`: a skill of the need matched, related or held at
    any level, or words that counted at a fit of at least `MIN_WORDS_ONLY_FIT`); the ones left out that share
    words with the person are counted. Needs they lead, and needs that overlap one they are committed to
    (empathy.needs.clashes), are left out."""
    model = index.current(session)
    if model is None:
        return None
    key = str(user.id)
    if key not in model.employee_docs_:
        return NeedPage([])
    windows = blocked_windows(session, user.id)
    joinable = {i for i, starts, ends in session.exec(_joinable_for(), params={"user_id": user.id, "now": utcnow()})
                if not clashes_with_windows(starts, ends, windows)}
    # Needs with nothing in common with the person are not offered (the ranking itself stays the matcher's).
    ranked = employee_needs(index, model, user.id, frozenset(joinable), k)
    unsure = [int(s.id) for s in ranked if not has_skill_evidence(s.explanation)]
    holders = {n for n, _u in sharing_a_skill(session, need_ids=unsure, user_ids=[user.id])}
    dropped = {int(s.id): s for s in ranked
               if int(s.id) in unsure and not is_offered(s.explanation, int(s.id) in holders)}
    left_out = sum(1 for s in dropped.values() if has_common_ground(s.explanation))
    ranked = [s for s in ranked if int(s.id) not in dropped]
    needs = {n.id: n for n in session.exec(select(Need).where(Need.id.in_([int(s.id) for s in ranked]))).all()}
    return NeedPage([SuggestedNeed(needs[int(s.id)], s.score, s.explanation) for s in ranked if int(s.id) in needs],
                    left_out)


def suggest_needs(*, session: Session, index: MatchIndex, user: User, k: int = 10) -> list[SuggestedNeed] | None:
    """The needs of `suggest_needs_page`, without the count of those left out; None before a fit."""
    found = suggest_needs_page(session=session, index=index, user=user, k=k)
    return None if found is None else found.items
