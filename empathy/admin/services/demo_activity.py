"""The demo's state on the day it is loaded: sign-ups, invitations, seats taken and hours (empathy.demo.activity).

Called for each need the demo adds (never for one that exists: loading again adds nothing). People are chosen
by how many of the need's skills they hold, then by id, among those who could come: at the need's site, or
the need is remote, or they help remotely or travel. Nobody is given two needs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from empathy.models import (
    EmployeeProfile,
    EmployeeSkill,
    HoursRecord,
    HoursStatus,
    Match,
    MatchStatus,
    Need,
    NeedStatus,
    Skill,
    User,
)

# How long before the load the demo's answers were given: a sign-up two days ago reads as recent.
ANSWERED_DAYS_AGO = 2


def candidates(session: Session, need: Need, skill_ids: set[int],
               taken: set[int]) -> list[tuple[User, EmployeeProfile]]:
    """Employees who could come to `need` and hold at least one of `skill_ids`, most of them first, then by id;
    users in `taken` are left out."""
    rows = session.exec(select(EmployeeProfile, User).join(User, User.id == EmployeeProfile.user_id)
                        .where(User.role == "employee").order_by(User.id)).all()
    held: dict[int, set[int]] = {}
    for profile_id, skill_id in session.exec(select(EmployeeSkill.profile_id, EmployeeSkill.skill_id)).all():
        held.setdefault(profile_id, set()).add(skill_id)
    ranked = []
    for profile, user in rows:
        overlap = len(held.get(profile.id, set()) & skill_ids)
        near = (need.is_remote or need.site_id is None or profile.site_id == need.site_id
                or profile.remote_ok or profile.travel_ok)
        if overlap and near and user.id not in taken:
            ranked.append((-overlap, user.id, user, profile))
    ranked.sort(key=lambda item: item[:2])
    return [(user, profile) for _, _, user, profile in ranked]


def add_activity(session: Session, need: Need, spec: dict, skill_ids: set[int], *, owner: User, now: datetime,
                 tz: ZoneInfo, taken: set[int]) -> None:
    """Give a new open (or closed, under way) need the sign-ups, invitations, seats and hours of `spec`."""
    people = candidates(session, need, skill_ids, taken)
    answered = now - timedelta(days=ANSWERED_DAYS_AGO)
    plan = ([MatchStatus.CONFIRMED] * spec.get("confirmed", 0) + [MatchStatus.VOLUNTEERED] * spec.get("volunteered", 0)
            + [MatchStatus.INVITED] * spec.get("invited", 0) + [MatchStatus.DECLINED] * spec.get("declined", 0))
    confirmed = []
    for n, (status, (user, profile)) in enumerate(zip(plan, people)):
        # Every other confirmed volunteer answered an invitation; the rest signed up (approved, if asked).
        invited = status in (MatchStatus.INVITED, MatchStatus.DECLINED) or (status == MatchStatus.CONFIRMED and n % 2)
        match = Match(need_id=need.id, user_id=user.id, status=status,
                      invited_by_id=owner.id if invited else None,
                      responded_at=answered if status in (MatchStatus.CONFIRMED, MatchStatus.DECLINED) else None)
        session.add(match)
        taken.add(user.id)
        if status == MatchStatus.CONFIRMED:
            confirmed.append((match, profile))
    session.flush()
    need.seats_taken = len(confirmed)
    if need.status == NeedStatus.OPEN and need.seats_taken >= need.seats:
        need.status = NeedStatus.FILLED
    session.add(need)
    if "logged_after_days" in spec:  # under way: some volunteers logged a day's work, waiting for review
        worked_on = need.starts_at.astimezone(tz).date() + timedelta(days=spec["logged_after_days"])
        for match, profile in confirmed[: spec.get("pending_hours", 0)]:
            session.add(HoursRecord(need_id=need.id, match_id=match.id, user_id=match.user_id,
                                    hours=min(float(need.hours_per_volunteer), 6.0), worked_on=worked_on,
                                    department=profile.department, note="Drill day", status=HoursStatus.PENDING))


def past_volunteers(session: Session, need: Need, skill_ids: set[int], *, reviewer: User, tz: ZoneInfo,
                    pending: int = 0) -> None:
    """Give a completed need the volunteers who came and their hours: approved, but the last `pending` logged
    theirs late and wait for review."""
    people = candidates(session, need, skill_ids, set())[: need.seats]
    for n, (user, profile) in enumerate(people):
        match = Match(need_id=need.id, user_id=user.id, status=MatchStatus.ATTENDED)
        session.add(match)
        session.flush()
        waiting = n >= len(people) - pending
        session.add(HoursRecord(
            need_id=need.id, match_id=match.id, user_id=user.id,
            hours=min(float(need.hours_per_volunteer), 8.0),
            worked_on=need.starts_at.astimezone(tz).date(),
            department=profile.department,
            status=HoursStatus.PENDING if waiting else HoursStatus.APPROVED,
            reviewed_by_id=None if waiting else reviewer.id, reviewed_at=None if waiting else need.ends_at,
        ))
    need.seats_taken = len(people)
    session.add(need)


def add_typed_skills(session: Session, typed: list[dict]) -> int:
    """Skills employees typed that the taxonomy lacks (waiting for an administrator's review), each on the first
    employee of its department; returns how many were added."""
    added = 0
    for entry in typed:
        if session.exec(select(Skill).where(Skill.name == entry["name"])).first() is not None:
            continue
        profile = session.exec(select(EmployeeProfile).join(User, User.id == EmployeeProfile.user_id)
                               .where(User.role == "employee", EmployeeProfile.department == entry["department"])
                               .order_by(User.id)).first()
        if profile is None:
            continue
        skill = Skill(name=entry["name"], label_en=entry["name"], category="other", needs_review=True)
        session.add(skill)
        session.flush()
        session.add(EmployeeSkill(profile_id=profile.id, skill_id=skill.id, level=entry["level"]))
        added += 1
    return added
