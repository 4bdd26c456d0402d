"""The skill taxonomy: the shipped list, lookups by any label, and skills typed by users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core.errors import ServiceError
from empathy.core.labels import skill_label
from empathy.core.text import fold, tidy
from empathy.models import Site, Skill
from empathy.models.profile_schemas import MAX_SKILL_NAME


def sync_shipped_taxonomy(session: Session, skills: list[dict], sites: list[dict]) -> tuple[int, int]:
    """Add shipped skills and sites that are missing; never overwrite an admin's edits.

    Returns how many skills and sites were added. The caller commits.
    """
    known = {s.name for s in session.exec(select(Skill)).all()}
    added_skills = 0
    for entry in skills:
        if entry["name"] in known:
            continue
        session.add(
            Skill(
                name=entry["name"],
                category=entry.get("category", "other"),
                label_en=entry.get("label_en") or entry["name"],
                label_zh=entry.get("label_zh", ""),
                synonyms=list(entry.get("synonyms", [])),
            )
        )
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
    """The skill whose name, English or Chinese label, or synonym is `text` (any case)."""
    wanted = fold(text)
    if not wanted:
        return None
    exact = session.exec(select(Skill).where(Skill.name == text.strip())).first()
    if exact is not None:
        return exact
    for skill in session.exec(select(Skill)).all():
        labels = [skill.name, skill.label_en, skill.label_zh, *(skill.synonyms or [])]
        if any(fold(label) == wanted for label in labels if label):
            return skill
    return None


def resolve_or_create_skill(session: Session, text: str) -> Skill:
    """Find a skill by any of its labels, or keep a new one flagged for an admin's review.

    Two requests adding the same new name at once end up with the one row: the insert is tried in a
    savepoint, and the loser takes the winner's skill. The caller commits.
    """
    name = tidy(text)
    if not name:
        raise ServiceError(str(_l("Enter a skill name.")), field="skills")
    if len(name) > MAX_SKILL_NAME:
        raise ServiceError(
            str(_l("A skill name can have at most %(n)d characters.", n=MAX_SKILL_NAME)), field="skills"
        )
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
            session.flush()
    except IntegrityError:
        taken = find_skill(session, name)  # saved at the same moment by someone else
        if taken is None:
            raise
        return taken
    return skill


def skill_labels(session: Session, names: set[str], language: str) -> dict[str, str]:
    """Display labels of skills by canonical name, in the interface language."""
    if not names:
        return {}
    rows = session.exec(select(Skill).where(Skill.name.in_(sorted(names)))).all()
    return {skill.name: skill_label(skill, language) for skill in rows}


def explanation_skill_names(explanations: list[dict]) -> set[str]:
    """Canonical skill names that a list of match explanations mentions."""
    names: set[str] = set()
    for expl in explanations:
        for row in expl.get("matched_skills", []):
            names.add(row.get("canonical") or row.get("need_skill"))
        names.update(expl.get("missing_must_have", []))
        names.update(expl.get("missing_nice_to_have", []))
    return {n for n in names if n}
