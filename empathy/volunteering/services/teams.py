"""The team builder: cover a need's must-have skills first, then fill the seats by rank; say who is left out and why.

`propose_team` is pure (no Flask, no database). `build_team` gathers the ranked candidates, what each covers
(the matcher's own explanation decides) and what stops each from joining, then calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, timedelta, tzinfo

from sqlmodel import Session, func, select

from empathy.core.db import utcnow
from empathy.models import Match, Need, NeedSkill, Skill, User
from empathy.needs.clashes import clashing_needs
from empathy.profiles.taxonomy import skill_labels
from empathy.suggestions.index import MatchIndex
from empathy.volunteering.lifecycle import HOLDS_SEAT
from empathy.volunteering.services.invitations import find_candidates, month_hours, monthly_hours, must_have_levels
from empathy.volunteering.services.seats import load_need, require_owner

POOL = 100  # how many of the best-ranked employees the builder considers

# Why someone cannot join (a blocker) or was not chosen; `reason_text` words each one.
NO_HOURS = "no_hours"  # free hours a month below what the need asks a month (`monthly_hours`)
HOURS_PRIVATE = "hours_private"  # keeps their availability private: free hours unknown
CREDENTIAL = "credential"  # lacks a valid, verified credential the need requires
OVERLAP = "overlap"  # committed (signed up or seated) to another need at the same time (needs.clashes)
SEATS_FULL = "seats_full"  # could join, but every seat went to people covering more must-haves or ranking higher
NOT_CHOSEN = "not_chosen"  # could join; the coordinator did not tick them
WEAK_FIT = "weak_fit"  # could join, covers no must-have, and is only a weak fit: not proposed for a free seat
# Why a must-have stays uncovered; `uncovered_text` words each one.
NOBODY = "nobody"  # nobody among the candidates has it at the asked level
UNAVAILABLE = "unavailable"  # those who have it cannot join (their own reasons say why)
NO_SEAT_LEFT = "no_seat_left"  # those who have it could join, but the seats went to other must-haves
NOT_IN_CHOICE = "not_in_choice"  # those who have it could join; the coordinator did not tick them


@dataclass(frozen=True)
class Reason:
    code: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def values(self) -> dict:
        return dict(self.params)


def reason(code: str, **params) -> Reason:
    """A reason with its parameters (hashable: a candidate is frozen)."""
    return Reason(code, tuple(sorted(params.items())))


@dataclass(frozen=True)
class Cover:
    """How a person covers a must-have: their own skill and level (as the matcher's explanation says)."""

    need_skill: str
    skill: str
    level: int | None


@dataclass(frozen=True)
class TeamCandidate:
    id: int
    score: float
    skills: frozenset[str]  # the must-have skills they cover at the asked level
    free_hours: float  # hours a month left while the need runs after their other seated needs
    recent: int = 0  # commitments in the last 90 days
    rank: int = 0  # place in the ranking, 0 = best
    blockers: tuple[Reason, ...] = ()  # what stops them joining, besides hours (credential, overlap, ...)
    hours_known: bool = True  # False when they keep their availability private
    covers: tuple[Cover, ...] = ()  # their skill behind each covered must-have
    below: frozenset[str] = frozenset()  # must-haves they hold below the asked level
    skills_hidden: bool = False  # keeps their skills private: what they cover is unknown
    weak: bool = False  # the matcher's band for them is "weak": little in common with the need


@dataclass
class Team:
    members: list[TeamCandidate]
    coverage: dict[str, list[int]]
    uncovered: list[str]
    total_score: float = 0.0
    left_out: dict[int, list[Reason]] = field(default_factory=dict)  # everyone not in the team, and why
    uncovered_why: dict[str, Reason] = field(default_factory=dict)
    warnings: dict[int, list[Reason]] = field(default_factory=dict)  # members chosen despite a blocker

    @property
    def weak_left_out(self) -> list[int]:
        """Who could have taken a free seat but was not proposed, being only a weak fit."""
        return [i for i, why in self.left_out.items() if any(r.code == WEAK_FIT for r in why)]

    @property
    def skipped_busy(self) -> list[int]:
        """Who was left out for want of free hours."""
        return [i for i, why in self.left_out.items() if any(r.code == NO_HOURS for r in why)]


def blockers_of(c: TeamCandidate, hours_needed: float) -> list[Reason]:
    """What stops `c` joining a need that asks `hours_needed` hours each: hours, then the candidate's own blockers."""
    out = []
    if hours_needed > 0 and not c.hours_known:
        out.append(reason(HOURS_PRIVATE))
    elif c.free_hours < hours_needed:
        out.append(reason(NO_HOURS, free=round(max(c.free_hours, 0.0), 1), needed=round(hours_needed, 1)))
    return out + list(c.blockers)


def _order(c: TeamCandidate) -> tuple:
    # The ranking, with equal scores going to the less busy.
    return (-c.score, c.recent, c.rank, c.id)


def coverage_of(members: list[TeamCandidate], required: list[str]) -> tuple[dict[str, list[int]], list[str]]:
    """Who covers each required skill, and which stay uncovered."""
    coverage = {skill: [m.id for m in members if skill in m.skills] for skill in required}
    return coverage, [s for s, ids in coverage.items() if not ids]


def _uncovered_why(skill: str, candidates: list[TeamCandidate], blocked: dict[int, list[Reason]],
                   free: str) -> Reason:
    holders = [c for c in candidates if skill in c.skills]
    if not holders:
        below = [c.id for c in candidates if skill in c.below]
        return reason(NOBODY, below=tuple(below), hidden=sum(c.skills_hidden for c in candidates))
    if all(c.id in blocked for c in holders):
        return reason(UNAVAILABLE, people=tuple(c.id for c in sorted(holders, key=_order)))
    return reason(free, people=tuple(c.id for c in sorted(holders, key=_order) if c.id not in blocked))


def propose_team(candidates: list[TeamCandidate], required: list[str], seats: int, hours_needed: float) -> Team:
    """At most `seats` people who can join, covering the must-haves in `required` first; everyone else with a reason.

    Covering the must-haves with the fewest people is the set cover problem, NP-hard; we use the greedy
    rule, which Chvátal (1979, "A greedy heuristic for the set-covering problem", Math. Oper. Res. 4(3))
    showed uses at most H(d) = 1 + 1/2 + ... + 1/d times the fewest people needed, d being the most
    must-haves one person covers. Each person costs one seat, so Chvátal's step (the least cost per newly
    covered element) takes the candidate covering the most still-uncovered must-haves; ties go to the
    better rank (score, then fewer recent commitments). Once nothing more can be covered, the free seats
    go to the best-ranked of the rest who are more than weak fits: a weak fit covering no must-have is not
    proposed (reason WEAK_FIT; the coordinator may still tick them), so a team that only weak fits could fill
    is proposed short, and says so. Only people who can join are picked: enough free hours a month while the
    need runs for `hours_needed` and no blocker (credential, overlapping commitment); the others get their reasons.
    O(seats x candidates x |required|).
    """
    blocked = {c.id: why for c in candidates if (why := blockers_of(c, hours_needed))}
    pool = sorted((c for c in candidates if c.id not in blocked), key=_order)
    members: list[TeamCandidate] = []
    uncovered = set(required)
    while pool and len(members) < max(seats, 0) and uncovered:
        best = min(pool, key=lambda c: (-len(c.skills & uncovered), _order(c)))
        if not best.skills & uncovered:
            break
        members.append(best)
        pool.remove(best)
        uncovered -= best.skills
    fill = [c for c in pool if not c.weak]
    members += fill[:max(0, seats - len(members))]
    if len(members) < seats:  # the seats left could only go to weak fits: they are named, not proposed
        blocked.update({c.id: [reason(WEAK_FIT)] for c in pool if c.weak})
    return _team(members, candidates, required, blocked, SEATS_FULL)


def chosen_team(candidates: list[TeamCandidate], required: list[str], chosen: list[int], hours_needed: float
                ) -> Team:
    """The coverage of the coordinator's own choice (ids among `candidates`, in order); a blocker is a warning."""
    by_id = {c.id: c for c in candidates}
    members = [by_id[i] for i in dict.fromkeys(chosen) if i in by_id]
    blocked = {c.id: why for c in candidates if (why := blockers_of(c, hours_needed))}
    team = _team(members, candidates, required, blocked, NOT_CHOSEN)
    team.warnings = {m.id: blocked[m.id] for m in members if m.id in blocked}
    return team


def _team(members: list[TeamCandidate], candidates: list[TeamCandidate], required: list[str],
          blocked: dict[int, list[Reason]], otherwise: str) -> Team:
    chosen = {m.id for m in members}
    coverage, left = coverage_of(members, required)
    left_out = {c.id: blocked.get(c.id) or [reason(otherwise)] for c in sorted(candidates, key=_order)
                if c.id not in chosen}
    free = NO_SEAT_LEFT if otherwise == SEATS_FULL else NOT_IN_CHOICE
    why = {skill: _uncovered_why(skill, candidates, blocked, free) for skill in left}
    return Team(members, coverage, left, round(sum(m.score for m in members), 4), left_out, why)


# ----------------------------------------------------------------------------- from the database
def covered_must_haves(explanation: dict) -> tuple[Cover, ...]:
    """The must-haves a person covers at the asked level, as the matcher's explanation (`explain_pair`) says.

    A must-have counts when it is among the explanation's `matched_skills` (the person's skill resolves to the
    need's canonical skill, or is close enough to it) and not `missing_must_have`, and the level the matcher
    read meets the asked minimum (`meets_min_level` is not False).
    """
    missing = set(explanation.get("missing_must_have") or ())
    return tuple(Cover(row["need_skill"], row.get("employee_skill") or row["need_skill"], row.get("employee_level"))
                 for row in explanation.get("matched_skills") or ()
                 if row.get("importance") == "must" and row["need_skill"] not in missing
                 and row.get("meets_min_level") is not False)


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
    candidates: list  # (TeamCandidate, invitations.Candidate), best-ranked first
    required: list[str]
    labels: dict[str, str]  # skill name -> label in the interface language
    seats_left: int = 0
    dropped: list[int] = field(default_factory=list)  # ticked beyond the seats left: not kept


def build_team(*, session: Session, index: MatchIndex, actor: User, need_id: int,
               chosen: list[int] | None = None, language: str = "en", tz: tzinfo = UTC) -> TeamPage | None:
    """Propose a team for a need (or check the coordinator's own choice); None while no model. Reads only.

    `tz`: the organisation's zone, whose calendar month the free hours are counted in."""
    need = load_need(session, need_id)
    require_owner(actor, need)
    found, _more = find_candidates(session=session, index=index, actor=actor, need_id=need.id, limit=POOL, pool=POOL,
                                   keep_busy=True, tz=tz)
    if found is None:
        return None
    ids = [c.user.id for c in found]
    must = session.exec(select(NeedSkill, Skill).join(Skill, Skill.id == NeedSkill.skill_id)
                        .where(NeedSkill.need_id == need.id, NeedSkill.importance == "must")
                        .order_by(Skill.name)).all()
    required = [skill.name for _ns, skill in must]
    # Levels only say who holds a must-have below the asked level; private skills stay unread.
    levels = must_have_levels(session, need.id, [c.user.id for c in found if c.profile.share_skills])
    busy, recent = month_hours(session, ids, need, tz=tz), _recent(session, ids)
    overlap = clashing_needs(session, ids, need)
    pool = []
    for rank, c in enumerate(found):
        covers = covered_must_haves(c.explanation or {})
        blockers = [reason(CREDENTIAL, kinds=tuple(c.lacking))] if c.lacking else []
        # Another coordinator's need stays unnamed: who helps where is for that need's managers to see.
        blockers += [reason(OVERLAP, need_id=o.id, title=o.title if actor.is_admin or o.owner_id == actor.id else "")
                     for o in overlap.get(c.user.id, [])[:1]]
        held = levels.get(c.user.id, {})
        pool.append(TeamCandidate(
            id=c.user.id, score=round(c.score, 4), skills=frozenset(cv.need_skill for cv in covers),
            free_hours=c.profile.hours_per_month - busy.get(c.user.id, 0.0), recent=recent.get(c.user.id, 0),
            rank=rank, blockers=tuple(blockers), hours_known=bool(c.profile.share_availability), covers=covers,
            below=frozenset(sk.name for ns, sk in must if 0 < held.get(sk.id, 0) < (ns.min_level or 0)),
            skills_hidden=not c.profile.share_skills, weak=(c.explanation or {}).get("band") == "weak"))
    seats = max(0, need.seats - need.seats_taken)
    dropped: list[int] = []
    if chosen:
        in_pool = {tc.id for tc in pool}
        known = [i for i in dict.fromkeys(chosen) if i in in_pool]
        dropped = known[seats:]
        team = chosen_team(pool, required, known[:seats], monthly_hours(need))
    else:
        team = propose_team(pool, required, seats, monthly_hours(need))
    names = set(required) | {cv.skill for tc in pool for cv in tc.covers}
    labels = skill_labels(session, names, language)
    return TeamPage(need, team, [(tc, c) for tc, c in zip(pool, found, strict=True)], required, labels, seats, dropped)
