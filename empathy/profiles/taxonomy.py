"""The skill taxonomy: the shipped list, lookups by any label, and skills typed by users."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core.errors import ServiceError
from empathy.core.labels import skill_label
from empathy.core.text import fold, tidy
from empathy.models import Site, Skill, SkillKey, skill_keys
from empathy.models.profile_schemas import MAX_SKILL_NAME


def sync_shipped_taxonomy(session: Session, skills: list[dict], sites: list[dict]) -> tuple[int, int]:
    """Add shipped skills and sites that are missing; never overwrite an admin's edits.

    A shipped label or synonym that already names another skill (one somebody typed before the list had
    it) is left out of the new skill, and a shipped skill whose name is taken is not added: one name, one
    skill. Returns how many skills and sites were added. The caller commits.
    """
    taken = set(session.exec(select(SkillKey.key)).all())
    added_skills = 0
    for entry in skills:
        name = entry["name"]
        if fold(name) in taken:
            continue
        label_en = entry.get("label_en") or name
        label_zh = entry.get("label_zh", "")
        skill = Skill(
            name=name,
            category=entry.get("category", "other"),
            label_en=label_en if fold(label_en) not in taken else name,
            label_zh=label_zh if fold(label_zh) not in taken else "",
            synonyms=[s for s in entry.get("synonyms", []) if fold(s) not in taken],
            related=list(entry.get("related", [])),  # names; the matcher ignores one that names no skill
        )
        taken.update(skill_keys(skill))
        session.add(skill)
        added_skills += 1
    known_sites = {s.code for s in session.exec(select(Site)).all()}
    added_sites = 0
    for entry in sites:
        if entry["code"] not in known_sites:
            session.add(Site(code=entry["code"], name_en=entry["name_en"], name_zh=entry["name_zh"]))
            added_sites += 1
    session.flush()
    return added_skills, added_sites


def find_skill(session: Session, text: str) -> Skill | None:
    """The skill whose name, English or Chinese label, or synonym is `text` (any case or width)."""
    return find_skills(session, [text]).get(fold(text))


def find_skills(session: Session, texts: list[str]) -> dict[str, Skill]:
    """The skills these texts name, by key (empathy.core.text.fold of the text); unknown ones are left out.

    One lookup through the unique index of skill keys per 500 names, whatever the taxonomy's size."""
    keys = sorted({key for key in map(fold, texts) if key})
    found: dict[str, Skill] = {}
    for start in range(0, len(keys), 500):
        rows = session.exec(select(SkillKey.key, Skill).join(Skill, Skill.id == SkillKey.skill_id)
                            .where(SkillKey.key.in_(keys[start:start + 500]))).all()
        found.update({key: skill for key, skill in rows})
    return found


def skill_index(session: Session) -> dict[str, int]:
    """Every name of every skill as it is compared (empathy.core.text.fold) -> the skill's id.

    One read of the skill keys (a few thousand short rows for the shipped taxonomy): build it once for a
    bulk job such as an import and look names up in the dict, instead of one query per name."""
    return dict(session.execute(sa.select(SkillKey.key, SkillKey.skill_id)).all())


def skill_name(text: str) -> str:
    """A typed skill name as it is stored; ServiceError (field `skills`) when empty or too long."""
    name = tidy(text)
    if not name:
        raise ServiceError(str(_l("Enter a skill name.")), field="skills")
    if len(name) > MAX_SKILL_NAME:
        raise ServiceError(
            str(_l("A skill name can have at most %(n)d characters.", n=MAX_SKILL_NAME)), field="skills"
        )
    return name


def resolve_or_create_skill(session: Session, text: str) -> Skill:
    """Find a skill by any of its labels, or keep a new one flagged for an admin's review.

    Two requests adding the same new name at once end up with the one row: the insert is tried in a
    savepoint, and the loser takes the winner's skill. Raises ServiceError (field `skills`) for a name
    that is empty or too long. The caller commits.
    """
    name = skill_name(text)
    skill = find_skill(session, name)
    if skill is not None:
        return skill
    is_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in name)
    skill = Skill(
        name=name,
        label_en="" if is_chinese else name,
        label_zh=name if is_chinese else "",
        needs_review=True,
    )
    try:
        with session.begin_nested():
            session.add(skill)
    except IntegrityError:
        # Added by another transaction after the lookup above (PostgreSQL; SQLite writers take turns).
        existing = find_skill(session, name)
        if existing is None:
            raise
        return existing
    return skill


def skill_labels(session: Session, names: set[str], language: str) -> dict[str, str]:
    """Display labels of skills by canonical name, in the interface language."""
    if not names:
        return {}
    # One expanding parameter and three columns: building an IN of literals and loading whole rows took
    # a tenth of the home page's time.
    rows = session.execute(_LABELS_BY_NAME, {"names": sorted(names)}).all()
    return {row.name: skill_label(row, language) for row in rows}


_LABELS_BY_NAME = sa.select(Skill.name, Skill.label_en, Skill.label_zh).where(
    Skill.name.in_(sa.bindparam("names", expanding=True)))


def explanation_skill_names(explanations: list[dict]) -> set[str]:
    """Skill names a list of match explanations mentions (the need's canonical ones and the people's own)."""
    names: set[str] = set()
    for expl in explanations:
        for row in [*expl.get("matched_skills", []), *expl.get("related_skills", [])]:
            names.add(row.get("canonical") or row.get("need_skill"))
            names.add(row.get("employee_skill"))  # shown as the person's own skill
        names.update(expl.get("missing_must_have", []))
        names.update(expl.get("missing_nice_to_have", []))
    return {n for n in names if n}
