"""The team builder: cover every must-have skill of a need with the best-fitting, least-loaded people.

`propose_team` is pure (no Flask, no database): a greedy set cover. Each round picks the
candidate who covers the most still-uncovered skills, then the best score, then the fewest
recent commitments; once every skill is covered, free seats go to the best remaining scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, func, select

from empathy.core.db import utcnow
from empathy.core.labels import skill_label
from empathy.models import Match, Need, NeedSkill, NeedStatus, Skill, User
from empathy.suggestions.index import MatchIndex
from empathy.volunteering.lifecycle import HOLDS_SEAT
from empathy.volunteering.services.invitations import find_candidates, must_have_levels
from empathy.volunteering.services.seats import load_need, require_owner

POOL = 100


@dataclass(frozen=True)
class TeamCandidate:
    id: int
    score: float
    skills: frozenset[str]  # the must-have skills they meet at the required level
    free_hours: float  # monthly hours left after their other confirmed needs
    recent: int = 0  # commitments in the last 90 days


@dataclass
class Team:
    members: list[TeamCandidate]
    coverage: dict[str, list[int]]
    uncovered: list[str]
    total_score: float = 0.0
    skipped_busy: list[int] = field(default_factory=list)


def coverage_of(members: list[TeamCandidate], required: list[str]) -> tuple[dict[str, list[int]], list[str]]:
    """Who covers each required skill, and which stay uncovered."""
    coverage = {skill: [m.id for m in members if skill in m.skills] for skill in required}
    return coverage, [s for s, ids in coverage.items() if not ids]


def propose_team(candidates: list[TeamCandidate], required: list[str], seats: int, hours_needed: float) -> Team:
    """Greedy set cover of `required` with at most `seats` people who have `hours_needed` to spare."""
    able = [c for c in candidates if c.free_hours >= hours_needed]
    busy = [c.id for c in candidates if c.free_hours < hours_needed]
    pool = sorted(able, key=lambda c: (-c.score, c.recent, c.id))
    members: list[TeamCandidate] = []
    uncovered = set(required)
    while pool and len(members) < seats and uncovered:
        best = max(pool, key=lambda c: (len(c.skills & uncovered), c.score, -c.recent, -c.id))
        if not best.skills & uncovered:
            break
        members.append(best)
        pool.remove(best)
        uncovered -= best.skills
    for c in pool:
        if len(members) >= seats:
            break
        members.append(c)
    coverage, left = coverage_of(members, required)
    return Team(members, coverage, left, round(sum(m.score for m in members), 4), busy)


def _month_hours(session: Session, user_ids: list[int], need: Need) -> dict[int, float]:
    """Hours each person is committed to this month through their other confirmed needs."""
    start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (start + timedelta(days=32)).replace(day=1)
    rows = session.exec(
        select(Match.user_id, func.sum(Need.hours_per_volunteer))
        .join(Need, Need.id == Match.need_id)
        .where(Match.user_id.in_(user_ids), Match.status.in_(HOLDS_SEAT), Need.id != need.id,
               Need.starts_at >= start, Need.starts_at < next_month,
               Need.status != NeedStatus.CANCELLED)
        .group_by(Match.user_id)
    ).all()
    return {uid: float(h or 0) for uid, h in rows}


def _recent(session: Session, user_ids: list[int]) -> dict[int, int]:
    since = utcnow() - timedelta(days=90)
    rows = session.exec(
        select(Match.user_id, func.count()).join(Need, Need.id == Match.need_id)
        .where(Match.user_id.in_(user_ids), Match.status.in_(HOLDS_SEAT), Need.starts_at >= since)
        .group_by(Match.user_id)
    ).all()
    return {uid: int(n) for uid, n in rows}


@dataclass
class TeamPage:
    need: Need
    team: Team
    candidates: list
    required: list[str]
    labels: dict[str, str]


def build_team(*, session: Session, index: MatchIndex, actor: User, need_id: int,
               chosen: list[int] | None = None, language: str = "en") -> TeamPage | None:
    """Propose a team for a need (or score the coordinator's own choice); None while no model."""
    need = load_need(session, need_id)
    require_owner(actor, need)
    found, _more = find_candidates(session=session, index=index, actor=actor, need_id=need.id, limit=POOL, pool=POOL)
    if found is None:
        return None
    found = [c for c in found if not c.lacking]
    ids = [c.user.id for c in found]
    must = session.exec(select(NeedSkill, Skill).join(Skill, Skill.id == NeedSkill.skill_id)
                        .where(NeedSkill.need_id == need.id, NeedSkill.importance == "must")).all()
    required = [skill.name for _ns, skill in must]
    labels = {skill.name: skill_label(skill, language) for _ns, skill in must}
    levels = must_have_levels(session, need.id, [c.user.id for c in found if c.profile.share_skills])
    levels.update({c.user.id: {} for c in found if not c.profile.share_skills})  # private: unknown
    busy, recent = _month_hours(session, ids, need), _recent(session, ids)
    pool = [
        TeamCandidate(
            id=c.user.id, score=round(c.score, 4),
            skills=frozenset(skill.name for ns, skill in must if levels[c.user.id].get(skill.id, 0) >= ns.min_level),
            free_hours=c.profile.hours_per_month - busy.get(c.user.id, 0.0), recent=recent.get(c.user.id, 0))
        for c in found
    ]
    seats = max(0, need.seats - need.seats_taken)
    if chosen:
        by_id = {c.id: c for c in pool}
        members = [by_id[i] for i in dict.fromkeys(chosen) if i in by_id][:seats]
        coverage, left = coverage_of(members, required)
        team = Team(members, coverage, left, round(sum(m.score for m in members), 4))
    else:
        team = propose_team(pool, required, seats, need.hours_per_volunteer)
    people = {c.user.id: c for c in found}
    return TeamPage(need, team, [(tc, people[tc.id]) for tc in pool], required, labels)
