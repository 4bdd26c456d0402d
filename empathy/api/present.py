"""Rows to the shared response models: needs (with their skills and credentials) and matches.

Each domain presents its own bodies in its `schemas.py`; these are answered by several domains' operations.
"""

from __future__ import annotations

from sqlmodel import Session, select

from empathy.admin.services.sites import site_by_code, site_codes  # noqa: F401  (site_by_code: needs/api.py)
from empathy.api import schemas as s
from empathy.models import CREDENTIAL_KINDS, Match, Need, NeedCredential, NeedSkill, Skill


def need_skills(session: Session, need_ids: list[int]) -> dict[int, list[s.NeedSkillOut]]:
    """The skills of these needs, must-haves first."""
    out: dict[int, list[s.NeedSkillOut]] = {i: [] for i in need_ids}
    if not need_ids:
        return out
    rows = session.exec(
        select(NeedSkill, Skill).join(Skill, Skill.id == NeedSkill.skill_id)
        .where(NeedSkill.need_id.in_(need_ids))
        .order_by(NeedSkill.importance.desc(), NeedSkill.min_level.desc(), Skill.name)
    ).all()
    for ns, skill in rows:
        out[ns.need_id].append(s.NeedSkillOut(name=skill.name, label_en=skill.label_en, label_zh=skill.label_zh,
                                              importance=ns.importance, min_level=ns.min_level))
    return out


def need_credentials(session: Session, need_ids: list[int]) -> dict[int, list[str]]:
    """The credential kinds each of these needs requires, in the fixed list's order."""
    out: dict[int, list[str]] = {i: [] for i in need_ids}
    if need_ids:
        for row in session.exec(select(NeedCredential).where(NeedCredential.need_id.in_(need_ids))).all():
            out[row.need_id].append(row.kind)
    return {i: sorted(kinds, key=CREDENTIAL_KINDS.index) for i, kinds in out.items()}


# The fields a NeedOut copies from the row as they are; the others are looked up or renamed below.
_AS_STORED = frozenset(s.NeedOut.model_fields) & frozenset(Need.model_fields)


def needs_out(session: Session, needs: list[Need]) -> list[s.NeedOut]:
    skills = need_skills(session, [n.id for n in needs])
    creds = need_credentials(session, [n.id for n in needs])
    codes = site_codes(session) if needs else {}
    return [
        s.NeedOut(**n.model_dump(include=_AS_STORED), site=codes.get(n.site_id) if n.site_id else None,
                  remote=n.is_remote, skills=skills[n.id], credentials=creds[n.id])
        for n in needs
    ]


def need_out(session: Session, need: Need) -> s.NeedOut:
    return needs_out(session, [need])[0]


def match_out(m: Match) -> s.MatchOut:
    return s.MatchOut(id=m.id, need_id=m.need_id, user_id=m.user_id, status=m.status, message=m.message or "",
                      reason=m.reason or "", score=m.score, responded_at=m.responded_at,
                      created_at=m.created_at, updated_at=m.updated_at)
