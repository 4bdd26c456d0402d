"""The employee profile: skills with levels, availability, languages and causes."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError
from sqlmodel import Session, select

from empathy.core.db import begin_write, lock_rows, retrying, utcnow
from empathy.core.errors import ServiceError
from empathy.core.inputs import id_in_text
from empathy.core.labels import skill_label
from empathy.core.text import fold
from empathy.core.validation import service_error
from empathy.models import EmployeeProfile, EmployeeSkill, Site, Skill, User
from empathy.models.profile_schemas import MAX_NEW_SKILLS_PER_SAVE, ProfileSkillCreate, ProfileUpdate
from empathy.profiles.taxonomy import find_skills, resolve_or_create_skill, skill_name


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


@lru_cache(maxsize=1)
def _has_skills() -> sa.Select:
    return (select(sa.literal(True)).select_from(EmployeeSkill)
            .join(EmployeeProfile, EmployeeProfile.id == EmployeeSkill.profile_id)
            .where(EmployeeProfile.user_id == sa.bindparam("user")).limit(1))


def has_skills(*, session: Session, user: User) -> bool:
    """Whether the user's profile lists at least one skill (one query, its statement built once)."""
    return session.execute(_has_skills(), {"user": user.id}).first() is not None


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


def _checked(data: ProfileUpdate) -> ProfileUpdate:
    """`data` checked against the family's rules again (it may have been built without validation)."""
    try:
        return ProfileUpdate.model_validate(data.model_dump())
    except ValidationError as exc:
        raise service_error(exc) from exc


def _resolve_site(session: Session, ref: str | None, current: int | None) -> Site | None:
    """The site by code, or by id (the web form's choices); an inactive site only if the profile already has it."""
    if not ref:
        return None
    site_id = id_in_text(ref)
    site = session.get(Site, site_id) if site_id else session.exec(select(Site).where(Site.code == ref)).first()
    if site is None or (not site.is_active and site.id != current):
        raise _err(_l("Choose one of the listed sites."), "site")
    return site


def resolve_skill_rows(session: Session, names: list[str], field_of) -> list[Skill]:
    """Resolve typed names to skills: known ones through one indexed lookup, unknown ones created and flagged
    for review, at most MAX_NEW_SKILLS_PER_SAVE of them; duplicates refused.

    `field_of(i)` names the form field of row i for error messages. Raises ServiceError on the row at fault
    (nothing is kept: the caller rolls back). The caller commits.
    """
    typed = []
    for i, name in enumerate(names):
        try:
            typed.append(skill_name(name))
        except ServiceError as exc:
            raise _err(exc.message, field_of(i)) from exc
    known = find_skills(session, typed)
    skills: list[Skill] = []
    seen: dict[int, int] = {}
    added = 0
    for i, name in enumerate(typed):
        skill = known.get(fold(name))
        if skill is None:
            added += 1
            if added > MAX_NEW_SKILLS_PER_SAVE:
                raise _err(_l("“%(name)s” is not in the skill list, and one save can add at most %(n)d new skills. "
                              "Choose a listed skill, or add this one in a later save.",
                              name=name, n=MAX_NEW_SKILLS_PER_SAVE), field_of(i))
            skill = known[fold(name)] = resolve_or_create_skill(session, name)
        if skill.id in seen:
            first = typed[seen[skill.id]]
            message = (_l("“%(name)s” is listed twice: keep one row per skill.", name=first) if first == name
                       else _l("“%(name)s” is the same skill as “%(other)s”: keep one row per skill.",
                               name=name, other=first))
            raise _err(message, field_of(i))
        seen[skill.id] = i
        skills.append(skill)
    return skills


@retrying
def update_profile(*, session: Session, user: User, data: ProfileUpdate) -> EmployeeProfile:
    """Save the whole profile at once (skills replaced), bumping updated_at.

    Raises ServiceError on the field at fault (skill rows as skills-N-name, the site as site)."""
    data = _checked(data)
    begin_write(session)
    try:
        # Locked while compared and written: a consent change here is recorded once.
        profile = (next(iter(lock_rows(session, EmployeeProfile, EmployeeProfile.user_id == user.id)), None)
                   or EmployeeProfile(user_id=user.id))
        site = _resolve_site(session, data.site, profile.site_id)
        skills = resolve_skill_rows(session, [r.name for r in data.skills], lambda i: f"skills-{i}-name")
        if profile.id is not None and profile.is_suggestible != data.is_suggestible:
            from empathy.privacy.services import record_consent

            record_consent(session, user.id, "suggestible", data.is_suggestible)  # consent history
        for name, value in data.model_dump(exclude={"site", "skills"}).items():
            setattr(profile, name, value)
        profile.site_id = site.id if site else None
        profile.updated_at = utcnow()  # the matcher re-reads rows whose updated_at moved
        session.add(profile)
        session.flush()
        _replace_skills(session, profile, skills, data.skills)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return profile


def _replace_skills(session: Session, profile: EmployeeProfile, skills: list[Skill],
                    rows: list[ProfileSkillCreate]) -> None:
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
