"""Between the database and the pure matcher: documents from rows, ids back to rows.

One fitted model is kept per process. It is loaded from the file that `match refit` (or the
background refit) writes, and every request first folds in the rows changed since the model last
saw them (by `updated_at`), so an edit shows up in suggestions at once without a refit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, select

from empathy.core.db import utcnow
from empathy.core.labels import site_codes
from empathy.core.localtime import local_dates
from empathy.matching import EmployeeDoc, NeedDoc, Taxonomy
from empathy.matching import EmployeeSkill as DocEmployeeSkill
from empathy.matching import NeedSkill as DocNeedSkill
from empathy.models import EmployeeProfile, EmployeeSkill, Need, NeedSkill, Skill, User
from empathy.needs.joinable import is_joinable

# Re-read rows changed this long before the last sync too: clocks of workers differ a little.
SYNC_OVERLAP = timedelta(seconds=2)


# ----------------------------------------------------------------------------- documents
def build_taxonomy(session: Session) -> Taxonomy:
    rows = session.exec(select(Skill)).all()
    return Taxonomy(
        [{"name": s.name, "category": s.category, "label_en": s.label_en, "label_zh": s.label_zh,
          "synonyms": list(s.synonyms or []), "related": list(s.related or [])} for s in rows]
    )


def employee_documents(session: Session, *, since: datetime | None = None) -> list[EmployeeDoc]:
    """Documents of every employee profile (or of those changed since a time)."""
    stmt = select(EmployeeProfile, User).join(User, User.id == EmployeeProfile.user_id)
    if since is not None:
        stmt = stmt.where(or_(EmployeeProfile.updated_at >= since, User.updated_at >= since))
    rows = session.exec(stmt).all()
    if not rows:
        return []
    skills: dict[int, list[DocEmployeeSkill]] = {}
    skill_stmt = select(EmployeeSkill.profile_id, Skill.name, EmployeeSkill.level, Skill.needs_review).join(
        Skill, Skill.id == EmployeeSkill.skill_id)
    if since is not None:
        skill_stmt = skill_stmt.where(EmployeeSkill.profile_id.in_([p.id for p, _ in rows]))
    for profile_id, name, level, typed in session.exec(skill_stmt).all():
        skills.setdefault(profile_id, []).append(DocEmployeeSkill(name=name, level=level, typed=bool(typed)))
    sites = site_codes(session)
    return [
        EmployeeDoc(
            id=str(user.id),
            skills=tuple(sorted(skills.get(profile.id, []), key=lambda s: s.name)),
            bio=profile.bio or "",
            languages=tuple(profile.languages or ()),
            causes=tuple(profile.causes or ()),
            site=sites.get(profile.site_id),
            # The matcher's "remote" employee is one not bound to their own site: who helps remotely, and who
            # travels to in-person needs elsewhere (filters.site_mask).
            is_remote=profile.remote_ok or profile.travel_ok,
            available_weekdays=profile.available_weekdays,
            available_weekends=profile.available_weekends,
            is_suggestible=profile.is_suggestible,
            is_active=user.active,
        )
        for profile, user in rows
    ]


def need_days(need: Need, tz: ZoneInfo) -> tuple[bool, bool]:
    """Whether the need runs on weekdays and on weekends, in the organisation's time zone.

    Its run is half-open (empathy.core.localtime): Friday 19:00 to Saturday 00:00 is a weekday need only."""
    weekdays = {day.weekday() for day in local_dates(need.starts_at, need.ends_at, tz)[:7]}
    return bool(weekdays & {0, 1, 2, 3, 4}), bool(weekdays & {5, 6})


def need_documents(session: Session, tz: ZoneInfo, *, since: datetime | None = None,
                   ids: list[int] | None = None) -> list[NeedDoc]:
    """Documents of every need (or of those changed since a time, or of given ids)."""
    stmt = select(Need)
    if since is not None:
        stmt = stmt.where(Need.updated_at >= since)
    if ids is not None:
        stmt = stmt.where(Need.id.in_(ids))
    needs = session.exec(stmt).all()
    if not needs:
        return []
    skills: dict[int, list[DocNeedSkill]] = {}
    for need_id, name, importance, min_level in session.exec(
        select(NeedSkill.need_id, Skill.name, NeedSkill.importance, NeedSkill.min_level)
        .join(Skill, Skill.id == NeedSkill.skill_id)
        .where(NeedSkill.need_id.in_([n.id for n in needs]))
    ).all():
        skills.setdefault(need_id, []).append(DocNeedSkill(name=name, importance=importance, min_level=min_level))
    sites = site_codes(session)
    docs = []
    now = utcnow()
    for need in needs:
        weekdays, weekends = need_days(need, tz)
        docs.append(NeedDoc(
            id=str(need.id),
            title=need.title,
            description=need.description or "",
            skills=tuple(sorted(skills.get(need.id, []), key=lambda s: s.name)),
            cause=need.cause,
            languages=tuple(need.languages or ()),
            site=sites.get(need.site_id),
            is_remote=need.is_remote,
            runs_weekdays=weekdays,
            runs_weekends=weekends,
            is_open=is_joinable(need, now),  # a need that starts later is dropped when read (suggest_needs)
        ))
    return docs
