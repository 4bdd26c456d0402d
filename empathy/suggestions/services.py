"""Suggested employees for a need, and suggested needs for an employee, with the reasons."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from empathy.core.db import utcnow
from empathy.core.errors import NotFound
from empathy.models import EmployeeProfile, Match, Need, User
from empathy.privacy.services import redacted_explanation, shared_view
from empathy.suggestions.documents import SUGGESTIBLE_NEED_STATUSES, need_documents
from empathy.suggestions.index import MatchIndex
from empathy.volunteering.lifecycle import ENGAGED


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


def suggest_employees(*, session: Session, index: MatchIndex, need_id: int, k: int = 20
                      ) -> list[SuggestedEmployee] | None:
    """Best employees for a need, best first; None while no model has been fitted yet."""
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound("need")
    model = index.current(session)
    if model is None:
        return None
    taken = session.exec(select(Match.user_id).where(Match.need_id == need.id, Match.status.in_(ENGAGED))).all()
    exclude = {str(uid) for uid in taken}
    if need.owner_id is not None:
        exclude.add(str(need.owner_id))
    key = str(need.id)
    query = key if key in model.need_docs_ else need_documents(session, index.tz, ids=[need.id])[0]
    ranked = model.rank_employees(query, k=k, exclude=exclude)
    rows = {
        user.id: (user, profile)
        for user, profile in session.exec(
            select(User, EmployeeProfile)
            .join(EmployeeProfile, EmployeeProfile.user_id == User.id)
            .where(User.id.in_([int(s.id) for s in ranked]))
        ).all()
    }
    out = []
    for s in ranked:
        user, profile = rows.get(int(s.id), (None, None))
        # The model may still know someone deleted or deactivated since its last sync.
        if user is not None and user.active and profile.is_suggestible:
            # Coordinators see only what the employee consented to show (services.privacy).
            out.append(SuggestedEmployee(user, shared_view(profile), s.score,
                                         redacted_explanation(s.explanation, profile)))
    return out


def suggest_needs(*, session: Session, index: MatchIndex, user: User, k: int = 10) -> list[SuggestedNeed] | None:
    """Open needs that fit an employee, best first; None while no model has been fitted yet."""
    model = index.current(session)
    if model is None:
        return None
    key = str(user.id)
    if key not in model.employee_docs_:
        return []
    mine = session.exec(select(Match.need_id).where(Match.user_id == user.id)).all()
    owned = session.exec(select(Need.id).where(Need.owner_id == user.id)).all()
    exclude = {str(n) for n in (*mine, *owned)}
    # Ask for more than k: a need may have closed or ended since the model last looked.
    ranked = model.rank_needs(key, k=k + 10, exclude=exclude)
    needs = {
        n.id: n
        for n in session.exec(select(Need).where(Need.id.in_([int(s.id) for s in ranked]))).all()
    }
    now = utcnow()
    out = []
    for s in ranked:
        need = needs.get(int(s.id))
        if need is not None and need.status in SUGGESTIBLE_NEED_STATUSES and need.ends_at > now:
            out.append(SuggestedNeed(need, s.score, s.explanation))
    return out[:k]
