"""The employee profile: skills with levels, availability, languages and causes."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.db import begin_write, utcnow
from empathy.core.errors import ServiceError
from empathy.core.labels import skill_label
from empathy.data import load_causes
from empathy.models import EmployeeProfile, EmployeeSkill, Site, Skill, User
from empathy.models.profiles import LANGUAGES  # noqa: F401  (re-exported: profiles' forms and imports use it)
from empathy.profiles.taxonomy import MAX_SKILL_NAME, resolve_or_create_skill

MAX_BIO = 5000
MAX_DEPARTMENT = 120
MAX_HOURS_PER_MONTH = 744  # 31 days x 24 hours
MAX_YEARS = 80
LEVELS = (1, 2, 3, 4)
LEVEL_NAMES = {1: _l("Beginner"), 2: _l("Intermediate"), 3: _l("Advanced"), 4: _l("Expert")}


@dataclass
class SkillInput:
    name: str
    level: int = 2
    years: float | None = None


@dataclass
class ProfileInput:
    department: str = ""
    bio: str = ""
    site_id: int | None = None
    hours_per_month: int = 8
    available_weekdays: bool = True
    available_weekends: bool = True
    available_evenings: bool = False
    remote_ok: bool = True
    is_suggestible: bool = True
    languages: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)
    skills: list[SkillInput] = field(default_factory=list)


def cause_codes() -> list[str]:
    """The codes of the shipped cause areas, in their display order."""
    return [c["code"] for c in load_causes()]


def get_profile(*, session: Session, user: User) -> EmployeeProfile:
    """The user's profile; a new unsaved one if they have none yet."""
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).first()
    return profile or EmployeeProfile(user_id=user.id)


def profile_skills(*, session: Session, profile: EmployeeProfile) -> list[tuple[EmployeeSkill, Skill]]:
    """The profile's skills with their taxonomy rows, strongest first."""
    if profile.id is None:
        return []
    rows = session.exec(
        select(EmployeeSkill, Skill)
        .join(Skill, Skill.id == EmployeeSkill.skill_id)
        .where(EmployeeSkill.profile_id == profile.id)
        .order_by(EmployeeSkill.level.desc(), Skill.label_en)
    ).all()
    return [(es, s) for es, s in rows]


def skill_suggestions(session: Session, lang: str) -> list[tuple[str, str]]:
    """(value, hint) pairs for the skill autocomplete: the label in `lang`, then the others."""
    rows = session.exec(select(Skill).where(Skill.needs_review == False).order_by(Skill.label_en)).all()  # noqa: E712
    out = []
    for s in rows:
        main = skill_label(s, lang)
        others = [x for x in (s.label_en, s.label_zh, *(s.synonyms or [])) if x and x != main]
        out.append((main, " · ".join(dict.fromkeys(others))))
    return out


def active_sites(session: Session, *, keep_id: int | None = None) -> list[Site]:
    """Sites a user can pick: the active ones, plus `keep_id` if it is already chosen."""
    sites = session.exec(select(Site).order_by(Site.name_en)).all()
    return [s for s in sites if s.is_active or s.id == keep_id]


def _err(message, field_name: str) -> ServiceError:
    return ServiceError(str(message), field=field_name)


def _check_scalars(session: Session, data: ProfileInput, current_site: int | None) -> None:
    if len(data.department or "") > MAX_DEPARTMENT:
        raise _err(_l("Use at most %(n)d characters.", n=MAX_DEPARTMENT), "department")
    if len(data.bio or "") > MAX_BIO:
        raise _err(_l("Use at most %(n)d characters.", n=MAX_BIO), "bio")
    hours = data.hours_per_month
    if hours is None or not isinstance(hours, int) or not 0 <= hours <= MAX_HOURS_PER_MONTH:
        raise _err(_l("Enter a whole number of hours from 0 to %(n)d.", n=MAX_HOURS_PER_MONTH), "hours_per_month")
    if data.site_id is not None:
        site = session.get(Site, data.site_id)
        if site is None or (not site.is_active and site.id != current_site):
            raise _err(_l("Choose one of the listed sites."), "site_id")
    unknown = [code for code in data.languages if code not in LANGUAGES]
    if unknown:
        raise _err(_l("Unknown language: %(codes)s.", codes=", ".join(unknown)), "languages")
    known_causes = set(cause_codes())
    unknown = [code for code in data.causes if code not in known_causes]
    if unknown:
        raise _err(_l("Unknown cause: %(codes)s.", codes=", ".join(unknown)), "causes")


def _check_skill_row(index: int, row: SkillInput) -> None:
    prefix = f"skills-{index}-"
    name = (row.name or "").strip()
    if not name:
        raise _err(_l("Enter a skill name."), prefix + "name")
    if len(name) > MAX_SKILL_NAME:
        raise _err(_l("A skill name can have at most %(n)d characters.", n=MAX_SKILL_NAME), prefix + "name")
    if row.level not in LEVELS or isinstance(row.level, bool):
        raise _err(_l("Choose a level from 1 (beginner) to 4 (expert)."), prefix + "level")
    if row.years is not None and not 0 <= row.years <= MAX_YEARS:
        raise _err(_l("Enter years from 0 to %(n)d.", n=MAX_YEARS), prefix + "years")


def resolve_skill_rows(session: Session, names: list[str], field_of) -> list[Skill]:
    """Resolve typed names to skills (new ones flagged for review); reject duplicates.

    `field_of(i)` names the form field of row i for error messages. The caller commits.
    """
    skills: list[Skill] = []
    seen: dict[int, int] = {}
    for i, name in enumerate(names):
        try:
            skill = resolve_or_create_skill(session, name)
        except ServiceError as exc:
            raise _err(exc.message, field_of(i)) from exc
        if skill.id in seen:
            first = names[seen[skill.id]].strip()
            message = (_l("“%(name)s” is listed twice: keep one row per skill.", name=first) if first == name.strip()
                       else _l("“%(name)s” is the same skill as “%(other)s”: keep one row per skill.",
                               name=name.strip(), other=first))
            raise _err(message, field_of(i))
        seen[skill.id] = i
        skills.append(skill)
    return skills


def update_profile(*, session: Session, user: User, data: ProfileInput) -> EmployeeProfile:
    """Validate and save the whole profile at once (skills replaced), bumping updated_at."""
    begin_write(session)
    try:
        profile = get_profile(session=session, user=user)
        _check_scalars(session, data, profile.site_id)
        for i, row in enumerate(data.skills):
            _check_skill_row(i, row)
        skills = resolve_skill_rows(session, [r.name for r in data.skills], lambda i: f"skills-{i}-name")
        profile.department = (data.department or "").strip()
        profile.bio = (data.bio or "").strip()
        profile.site_id = data.site_id
        profile.hours_per_month = data.hours_per_month
        profile.available_weekdays = bool(data.available_weekdays)
        profile.available_weekends = bool(data.available_weekends)
        profile.available_evenings = bool(data.available_evenings)
        profile.remote_ok = bool(data.remote_ok)
        if profile.id is not None and bool(profile.is_suggestible) != bool(data.is_suggestible):
            from empathy.privacy.services import record_consent

            record_consent(session, user.id, "suggestible", bool(data.is_suggestible))  # consent history
        profile.is_suggestible = bool(data.is_suggestible)
        profile.languages = list(dict.fromkeys(data.languages))
        profile.causes = list(dict.fromkeys(data.causes))
        profile.updated_at = utcnow()  # the matcher re-reads rows whose updated_at moved
        session.add(profile)
        session.flush()
        _replace_skills(session, profile, skills, data.skills)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return profile


def _replace_skills(session: Session, profile: EmployeeProfile, skills: list[Skill], rows: list[SkillInput]) -> None:
    existing = {
        es.skill_id: es
        for es in session.exec(select(EmployeeSkill).where(EmployeeSkill.profile_id == profile.id)).all()
    }
    wanted = {skill.id for skill in skills}
    for skill_id, es in existing.items():
        if skill_id not in wanted:
            session.delete(es)
    for skill, row in zip(skills, rows):
        es = existing.get(skill.id) or EmployeeSkill(profile_id=profile.id, skill_id=skill.id)
        es.level = row.level
        es.years = row.years
        session.add(es)
