"""The demo organisation, built on the programmes of the Empathy Formula initiative."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import ngettext
from sqlmodel import Session, select

from empathy.accounts.services.auth import normalize_email
from empathy.accounts.services.passwords import hash_password
from empathy.admin.services import demo_activity
from empathy.core.db import utcnow
from empathy.data import load_sites, load_skills
from empathy.demo import build_demo
from empathy.models import (
    EmployeeProfile,
    EmployeeSkill,
    Need,
    NeedSkill,
    NeedStatus,
    Site,
    Skill,
    User,
)

# Every demo employee signs in with this password (the README names it).
DEMO_EMPLOYEE_PASSWORD = "volunteer-with-empathy"
DEMO_TIMEZONE = ZoneInfo("Asia/Shanghai")


def _counted(what: str, n: int) -> str:
    """"1 need", "3 needs": a count of one kind of demo record, in the interface language."""
    nouns = {
        "skills": lambda: ngettext("%(num)d skill", "%(num)d skills", n),
        "sites": lambda: ngettext("%(num)d site", "%(num)d sites", n),
        "employees": lambda: ngettext("%(num)d employee", "%(num)d employees", n),
        "coordinators": lambda: ngettext("%(num)d coordinator", "%(num)d coordinators", n),
        "admins": lambda: ngettext("%(num)d administrator", "%(num)d administrators", n),
        "needs": lambda: ngettext("%(num)d need", "%(num)d needs", n),
        "skills to review": lambda: ngettext("%(num)d skill to review", "%(num)d skills to review", n),
    }
    return nouns[what]() if what in nouns else f"{n} {what}"


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.added[what] = self.added.get(what, 0) + n

    def summary(self) -> str:
        if not any(self.added.values()):
            return "Demo data already loaded: nothing to add."
        parts = ", ".join(_counted(what, n) for what, n in self.added.items() if n)
        return f"Demo data loaded: {parts}."


def seed_demo(*, session: Session, today: datetime | None = None) -> SeedReport:
    """Load the demo (idempotent: what exists, keyed by email, title or name, is kept)."""
    from empathy.profiles.taxonomy import sync_shipped_taxonomy

    report = SeedReport()
    skills_added, sites_added = sync_shipped_taxonomy(session, load_skills(), load_sites())
    report.count("skills", skills_added)
    if skills_added:
        from empathy.suggestions.tasks import refit_after_commit

        refit_after_commit(session, "the shipped taxonomy was imported")
    report.count("sites", sites_added)
    demo = build_demo()
    sites = {s.code: s for s in session.exec(select(Site)).all()}
    skills = {s.name: s for s in session.exec(select(Skill)).all()}
    # One hash for every demo employee: scrypt per row would make seeding take minutes.
    employee_hash = hash_password(DEMO_EMPLOYEE_PASSWORD)

    admin = demo["admin"]
    _user(session, report, admin, role="admin", password_hash=hash_password(admin["password"]))
    for person in demo["coordinators"]:
        _user(session, report, person, role="coordinator",
              password_hash=hash_password(person["password"]), sites=sites)
    for person in demo["employees"]:
        _user(session, report, person, role="employee", password_hash=employee_hash,
              sites=sites, skills=skills)
    session.flush()

    now = today or utcnow()
    start_day = now.astimezone(DEMO_TIMEZONE).date()
    taken: set[int] = set()  # people given a current need: nobody gets two
    for spec in demo["needs"]:
        _need(session, report, spec, start_day=start_day, sites=sites, skills=skills, now=now, taken=taken)
    report.count("skills to review", demo_activity.add_typed_skills(session, demo.get("typed_skills", [])))
    session.commit()
    return report


def _user(session, report, spec, *, role, password_hash, sites=None, skills=None) -> User:
    email = normalize_email(spec["email"])
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None:
        return user
    user = User(
        email=email,
        display_name=spec["name"],
        role=role,
        password_hash=password_hash,
        preferred_language=spec.get("preferred_language"),
    )
    session.add(user)
    session.flush()
    site = (sites or {}).get(spec.get("site"))
    profile = EmployeeProfile(
        user_id=user.id,
        department=spec.get("department", ""),
        site_id=site.id if site else None,
        bio=spec.get("bio", ""),
        hours_per_month=spec.get("hours_per_month", 8),
        available_weekdays=spec.get("weekdays", True),
        available_weekends=spec.get("weekends", True),
        available_evenings=spec.get("evenings", False),
        remote_ok=spec.get("remote_ok", True),
        travel_ok=spec.get("travel_ok", False),
        languages=list(spec.get("languages", [])),
        causes=list(spec.get("causes", [])),
    )
    session.add(profile)
    session.flush()
    for entry in spec.get("skills", []):
        skill = (skills or {}).get(entry["name"])
        if skill is not None:
            session.add(EmployeeSkill(profile_id=profile.id, skill_id=skill.id,
                                      level=entry["level"], years=entry.get("years")))
    report.count(f"{role}s")
    return user


def _local(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=DEMO_TIMEZONE).astimezone(UTC)


def _need(session, report, spec, *, start_day, sites, skills, now, taken) -> None:
    owner = session.exec(select(User).where(User.email == normalize_email(spec["owner"]))).first()
    exists = session.exec(
        select(Need).where(Need.title == spec["title"], Need.owner_id == owner.id)
    ).first()
    if exists is not None:
        return
    first_day = start_day + timedelta(days=spec["start_offset_days"])
    last_day = first_day + timedelta(days=spec["duration_days"])
    site = sites.get(spec.get("site"))
    need = Need(
        title=spec["title"],
        description=spec["description"],
        cause=spec["cause"],
        beneficiary=spec.get("beneficiary", ""),
        is_remote=spec.get("remote", False),
        site_id=site.id if site else None,
        starts_at=_local(first_day, 9),
        ends_at=_local(last_day, 17),
        seats=spec["seats"],
        hours_per_volunteer=spec["hours_per_volunteer"],
        requires_approval=spec.get("requires_approval", False),
        status=NeedStatus(spec.get("status", NeedStatus.OPEN)),
        owner_id=owner.id,
        languages=list(spec.get("languages", [])),
    )
    session.add(need)
    session.flush()
    for entry in spec["skills"]:
        skill = skills.get(entry["name"])
        if skill is not None:
            session.add(NeedSkill(need_id=need.id, skill_id=skill.id,
                                  importance=entry["importance"], min_level=entry["min_level"]))
    wanted = {skills[e["name"]].id for e in spec["skills"] if e["name"] in skills}
    activity = spec.get("activity") or {}
    if need.status == NeedStatus.COMPLETED:
        demo_activity.past_volunteers(session, need, wanted, reviewer=owner, tz=DEMO_TIMEZONE,
                                      pending=activity.get("pending_hours", 0))
    elif activity:
        demo_activity.add_activity(session, need, activity, wanted, owner=owner, now=now, tz=DEMO_TIMEZONE,
                                   taken=taken)
    report.count("needs")
