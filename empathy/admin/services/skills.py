"""Administration of the skill taxonomy: labels, synonyms, related skills, review and merging."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core import audit
from empathy.core.db import begin_write, lock_rows, retrying, utcnow
from empathy.core.errors import Conflict, NotFound, ServiceError
from empathy.core.labels import skill_label
from empathy.core.pagination import Page, paginate
from empathy.core.text import fold, like_pattern, tidy
from empathy.data import load_categories
from empathy.models import EmployeeProfile, EmployeeSkill, Need, NeedSkill, Skill
from empathy.profiles.taxonomy import MAX_SKILL_NAME, find_skills
from empathy.suggestions.tasks import refit_after_commit

MAX_SYNONYMS = 50
MAX_RELATED = 30


@dataclass
class SkillInput:
    name: str
    label_en: str = ""
    label_zh: str = ""
    category: str = "other"
    synonyms: str = ""  # comma- or newline-separated, as typed
    related: str | None = None  # skills' names or labels, as synonyms; None keeps the stored relations


def category_codes() -> list[str]:
    """The shipped skill categories, plus "other"."""
    return [*load_categories().keys(), "other"]


def list_skills(
    *, session: Session, query: str = "", needs_review: bool = False, page: int = 1, per_page: int = 20
) -> Page[Skill]:
    """Skills whose name or labels contain `query`; optionally only those awaiting review."""
    statement = select(Skill)
    query = query.strip()[:100]
    if query:
        pattern = like_pattern(query.lower())
        statement = statement.where(or_(
            func.lower(Skill.name).like(pattern, escape="\\"),
            func.lower(Skill.label_en).like(pattern, escape="\\"),
            Skill.label_zh.like(like_pattern(query), escape="\\"),
        ))
    if needs_review:
        statement = statement.where(Skill.needs_review.is_(True))
    return paginate(session, statement.order_by(Skill.needs_review.desc(), Skill.name),
                    page=page, per_page=per_page)


def get_skill(*, session: Session, skill_id: int) -> Skill:
    """One skill as stored now, or NotFound."""
    skill = session.get(Skill, skill_id, populate_existing=True)
    if skill is None:
        raise NotFound(str(_l("This skill does not exist.")))
    return skill


def merge_candidates(*, session: Session, skill_id: int) -> list[Skill]:
    """The skills another one can be merged into: all others, by name."""
    return list(session.exec(select(Skill).where(Skill.id != skill_id).order_by(Skill.name)).all())


def skill_usage(*, session: Session, skill_id: int) -> dict[str, int]:
    """How many profiles and needs use a skill."""
    profiles = session.exec(
        select(func.count()).select_from(EmployeeSkill).where(EmployeeSkill.skill_id == skill_id)).one()
    needs = session.exec(select(func.count()).select_from(NeedSkill).where(NeedSkill.skill_id == skill_id)).one()
    return {"profiles": int(profiles), "needs": int(needs)}


def split_synonyms(text: str) -> list[str]:
    """Synonyms typed one per line or comma-separated (full-width commas too), deduplicated."""
    seen, result = set(), []
    for part in re.split(r"[,\n\r，、]", text or ""):
        part = tidy(part)
        if part and fold(part) not in seen:
            seen.add(fold(part))
            result.append(part)
    return result


def related_from(*, session: Session, skill: Skill) -> list[str]:
    """Names of the skills that list `skill` as related (the relation holds both ways), by name."""
    return sorted(s.name for s in session.exec(select(Skill).where(Skill.id != skill.id)).all()
                  if skill.name in (s.related or []))


def _validate_related(session: Session, text: str, own: set[str]) -> list[str]:
    """The canonical names of the skills `text` names (any name, label or synonym), each once.

    ServiceError on the field "related" for a name no skill has, for the skill itself, or for too many."""
    names = split_synonyms(text)
    if len(names) > MAX_RELATED:
        raise ServiceError(str(_l("Give at most %(n)d related skills.", n=MAX_RELATED)), field="related")
    found = find_skills(session, names)
    out: list[str] = []
    for name in names:
        skill = found.get(fold(name))
        if skill is None:
            raise ServiceError(str(_l("“%(value)s” is not a skill of the taxonomy.", value=name)), field="related")
        if fold(name) in own or fold(skill.name) in own:
            raise ServiceError(str(_l("A skill cannot be related to itself.")), field="related")
        if skill.name not in out:
            out.append(skill.name)
    return out


def _validate(session: Session, data: SkillInput, skill_id: int | None) -> tuple[str, str, str, str, list[str]]:
    name, label_en, label_zh = tidy(data.name), tidy(data.label_en), tidy(data.label_zh)
    if not name:
        raise ServiceError(str(_l("Enter a name.")), field="name")
    label_en = label_en or name
    for field, value in (("name", name), ("label_en", label_en), ("label_zh", label_zh)):
        if len(value) > MAX_SKILL_NAME:
            raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_SKILL_NAME)), field=field)
    if data.category not in category_codes():
        raise ServiceError(str(_l("Choose a category from the list.")), field="category")
    own = {fold(v) for v in (name, label_en, label_zh) if v}
    synonyms = [s for s in split_synonyms(data.synonyms) if fold(s) not in own]
    if len(synonyms) > MAX_SYNONYMS:
        raise ServiceError(str(_l("Give at most %(n)d synonyms.", n=MAX_SYNONYMS)), field="synonyms")
    for synonym in synonyms:
        if len(synonym) > MAX_SKILL_NAME:
            raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_SKILL_NAME)), field="synonyms")
    written = [("name", name), ("label_en", label_en), ("label_zh", label_zh), *(("synonyms", s) for s in synonyms)]
    taken = find_skills(session, [value for _field, value in written if value])  # by the unique key index
    for field, value in written:
        other = taken.get(fold(value)) if value else None
        if other is not None and other.id != skill_id:
            raise Conflict(str(_l(
                "“%(value)s” already names the skill “%(other)s”. Merge the two skills instead.",
                value=value, other=other.name)), field=field)
    return name, label_en, label_zh, data.category, synonyms


def _commit_names(session: Session, data: SkillInput, skill_id: int | None) -> None:
    """Commit; when a skill of the same name was saved at the same moment, refuse as `_validate` would."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        begin_write(session)
        _validate(session, data, skill_id)  # raises Conflict naming the skill that took the name
        raise


@retrying
def create_skill(*, session: Session, data: SkillInput) -> Skill:
    """Add a reviewed skill to the taxonomy. Commits.

    Raises ServiceError on the field at fault, or Conflict when a name, label or synonym names
    another skill (also one created at the same moment under the same name).
    """
    begin_write(session)
    name, label_en, label_zh, category, synonyms = _validate(session, data, None)
    own = {fold(v) for v in (name, label_en, label_zh, *synonyms) if v}
    related = _validate_related(session, data.related or "", own)
    skill = Skill(name=name, label_en=label_en, label_zh=label_zh, category=category, synonyms=synonyms,
                  related=related)
    session.add(skill)
    refit_after_commit(session, "a skill was added to the taxonomy")  # its names now match typed skills
    _commit_names(session, data, None)
    return skill


@retrying
def update_skill(*, session: Session, skill_id: int, data: SkillInput, mark_reviewed: bool = False) -> Skill:
    """Change a skill's name, labels, category and synonyms. Commits; refusals as `create_skill`."""
    begin_write(session)
    skill = get_skill(session=session, skill_id=skill_id)
    old_name = skill.name
    skill.name, skill.label_en, skill.label_zh, skill.category, skill.synonyms = _validate(session, data, skill.id)
    if data.related is not None:
        own = {fold(v) for v in (old_name, skill.name, skill.label_en, skill.label_zh, *skill.synonyms) if v}
        skill.related = _validate_related(session, data.related, own)
    if skill.name != old_name:
        _rename_in_relations(session, old_name, skill.name, skill.id)
    if mark_reviewed:
        skill.needs_review = False
    session.add(skill)
    refit_after_commit(session, "a skill was renamed")  # the model matches skills by their names
    _commit_names(session, data, skill.id)
    return skill


def _rename_in_relations(session: Session, old: str, new: str | None, skill_id: int) -> None:
    """Relations are kept by name: other skills' lists follow a rename (`new`) or forget a skill (None)."""
    for other in session.exec(select(Skill).where(Skill.id != skill_id)).all():
        if old in (other.related or []):
            names = [new if n == old else n for n in other.related]
            other.related = [n for n in dict.fromkeys(names) if n and n != other.name]  # a new list: seen as changed
            session.add(other)


@retrying
def mark_reviewed(*, session: Session, skill_id: int) -> Skill:
    """Accept a typed-in skill into the taxonomy as it is."""
    begin_write(session)
    skill = get_skill(session=session, skill_id=skill_id)
    skill.needs_review = False
    session.add(skill)
    session.commit()
    return skill


@retrying
def merge_skills(*, session: Session, keep_id: int, merge_id: int, actor_id: int | None = None) -> Skill:
    """Move every use of one skill onto another, keep its names as synonyms, delete it.

    Where a profile or need has both, one row stays with the higher level or the
    stricter requirement. One transaction; touched profiles and needs get a new updated_at.
    Both skills are locked first: of two merges of the same skill at the same moment (the same one
    twice, or each skill into the other) one is done, the other finds a skill gone (NotFound).
    """
    if keep_id == merge_id:
        raise ServiceError(str(_l("Choose two different skills.")), field="merge_id")
    begin_write(session)
    locked = {s.id: s for s in lock_rows(session, Skill, Skill.id.in_([keep_id, merge_id]))}
    if keep_id not in locked or merge_id not in locked:
        raise NotFound(str(_l("This skill does not exist.")))
    keep, gone = locked[keep_id], locked[merge_id]
    now = utcnow()

    profile_ids = set()
    for row in session.exec(select(EmployeeSkill).where(EmployeeSkill.skill_id == gone.id)).all():
        kept = session.exec(select(EmployeeSkill).where(
            EmployeeSkill.profile_id == row.profile_id, EmployeeSkill.skill_id == keep.id)).first()
        if kept is None:
            row.skill_id = keep.id
            session.add(row)
        else:
            kept.level = max(kept.level, row.level)
            if row.years is not None:
                kept.years = max(kept.years or 0, row.years)
            session.add(kept)
            session.delete(row)
        profile_ids.add(row.profile_id)

    need_ids = set()
    for row in session.exec(select(NeedSkill).where(NeedSkill.skill_id == gone.id)).all():
        kept = session.exec(select(NeedSkill).where(
            NeedSkill.need_id == row.need_id, NeedSkill.skill_id == keep.id)).first()
        if kept is None:
            row.skill_id = keep.id
            session.add(row)
        else:
            if row.importance == "must":
                kept.importance = "must"
            kept.min_level = max(kept.min_level, row.min_level)
            session.add(kept)
            session.delete(row)
        need_ids.add(row.need_id)
    # Written now: the skill has no ORM relationship, so its delete would not wait for these.
    session.flush()

    for profile in session.exec(select(EmployeeProfile).where(EmployeeProfile.id.in_(profile_ids))).all():
        profile.updated_at = now
        session.add(profile)
    for need in session.exec(select(Need).where(Need.id.in_(need_ids))).all():
        need.updated_at = now
        session.add(need)

    # The merged skill's names pass to the kept one: its keys must be gone first (one name, one skill).
    session.delete(gone)
    session.flush()
    own = {fold(v) for v in (keep.name, keep.label_en, keep.label_zh) if v}
    synonyms, seen = [], set(own)
    for label in (*(keep.synonyms or []), gone.name, gone.label_en, gone.label_zh, *(gone.synonyms or [])):
        if label and fold(label) not in seen:
            seen.add(fold(label))
            synonyms.append(label)
    keep.synonyms = synonyms  # a new list, so the JSON column is seen as changed
    # The merged skill's relations pass to the kept one, and the others' relations to it point at the kept one.
    keep.related = [n for n in dict.fromkeys([*(keep.related or []), *(gone.related or [])])
                    if n not in (keep.name, gone.name)]
    _rename_in_relations(session, gone.name, keep.name, keep.id)
    keep.updated_at = now
    session.add(keep)
    audit.record(session, actor_id=actor_id, action="skills_merged", target_type="skill", target_id=keep.id,
                 merged=gone.id, merged_name={"en": skill_label(gone, "en"), "zh": skill_label(gone, "zh")})
    refit_after_commit(session, "two skills were merged")
    session.commit()
    return keep
