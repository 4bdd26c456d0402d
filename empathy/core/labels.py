"""How stored things are named in the reader's language (English, or Chinese when there is a label)."""

from __future__ import annotations

from sqlmodel import Session, select

from empathy.models import Site


def skill_label(skill, lang: str) -> str:
    """A skill (or a row with name, label_en and label_zh) in `lang`: its Chinese label in Chinese,
    else its English label, else whichever label it has, else its canonical name."""
    if lang == "zh" and skill.label_zh:
        return skill.label_zh
    return skill.label_en or skill.label_zh or skill.name


def site_name(site, lang: str) -> str:
    """A site's name in `lang` ("" for no site)."""
    if site is None:
        return ""
    return site.name_zh if lang == "zh" and site.name_zh else site.name_en


def localized(entry: dict, lang: str, en: str = "en", zh: str = "zh") -> str:
    """A catalogue entry's (a cause's) Chinese label in Chinese when it has one, else its English one."""
    return (entry.get(zh) if lang == "zh" else None) or entry.get(en) or ""


def site_codes(session: Session) -> dict[int, str]:
    """Every site's code by its id (exports and documents name sites by code)."""
    return {s.id: s.code for s in session.exec(select(Site)).all()}
