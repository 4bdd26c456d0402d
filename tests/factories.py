"""Test data builders: make_x(session, **overrides) returns a committed row."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from empathy.accounts.services import auth
from empathy.config import Defaults
from empathy.core.db import utcnow
from empathy.models import EmployeeProfile, EmployeeSkill, Need, NeedSkill, Site, Skill, User

DEFAULT_PASSWORD = "a long enough password"
_seq = itertools.count(1)


def make_user(session: Session, *, role: str = "employee", password: str = DEFAULT_PASSWORD, **overrides) -> User:
    n = next(_seq)
    user = auth.create_user(
        session=session,
        email=overrides.pop("email", f"person{n}@example.com"),
        display_name=overrides.pop("display_name", f"Person {n}"),
        password=password,
        role=role,
    )
    for key, value in overrides.items():
        setattr(user, key, value)
    session.add(user)
    session.commit()
    return user


def profile_of(session: Session, user: User) -> EmployeeProfile:
    from sqlmodel import select

    return session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).one()


def make_site(session: Session, **overrides) -> Site:
    n = next(_seq)
    site = Site(**{"code": f"site-{n}", "name_en": f"Site {n}", "name_zh": f"站点{n}", **overrides})
    session.add(site)
    session.commit()
    return site


def make_skill(session: Session, **overrides) -> Skill:
    n = next(_seq)
    name = overrides.pop("name", f"Skill {n}")
    skill = Skill(**{"name": name, "label_en": name, "label_zh": "", "category": "other", **overrides})
    session.add(skill)
    session.commit()
    return skill


def add_employee_skill(session: Session, user: User, skill: Skill, level: int = 2, years=None) -> EmployeeSkill:
    row = EmployeeSkill(profile_id=profile_of(session, user).id, skill_id=skill.id, level=level, years=years)
    session.add(row)
    session.commit()
    return row


def make_volunteer(session: Session, name: str, bio: str, skills=(), *, hours: int = 20, **profile) -> User:
    """An employee called ``name`` with a profile (``bio``, ``hours`` a month, any other profile field) and
    ``skills``, pairs of (Skill, level)."""
    user = make_user(session, display_name=name)
    p = profile_of(session, user)
    p.bio, p.hours_per_month = bio, hours
    for key, value in profile.items():
        setattr(p, key, value)
    session.add(p)
    session.commit()
    for skill, level in skills:
        add_employee_skill(session, user, skill, level=level)
    return user


def make_need(session: Session, *, owner: User | None = None, skills=(), **overrides) -> Need:
    n = next(_seq)
    start = overrides.pop("starts_at", utcnow() + timedelta(days=10))
    need = Need(
        **{
            "title": f"Need {n}",
            "description": "Help needed.",
            "cause": "education",
            "starts_at": start,
            "ends_at": overrides.pop("ends_at", start + timedelta(hours=6)),
            "seats": 3,
            "status": "open",
            "owner_id": owner.id if owner else None,
            **overrides,
        }
    )
    session.add(need)
    session.commit()
    for skill, importance, min_level in skills:
        session.add(NeedSkill(need_id=need.id, skill_id=skill.id, importance=importance, min_level=min_level))
    session.commit()
    return need


def make_match(session: Session, need: Need, user: User, *, status: str = "invited", **overrides):
    """A match row between a need and an employee (no seat is taken: see services.seats)."""
    from empathy.models import Match

    match = Match(need_id=need.id, user_id=user.id, status=status, **overrides)
    session.add(match)
    session.commit()
    return match


def org_day(moment: datetime) -> date:
    """The day `moment` falls on in the organisation's time zone (the test apps keep the default): hours are
    logged for a need's days there, which is not the UTC date from 16:00 to 24:00 UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(Defaults.BABEL_DEFAULT_TIMEZONE)).date()
