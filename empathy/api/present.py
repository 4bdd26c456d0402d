"""Rows to response models, and the few read-only lookups the API needs besides the services."""

from __future__ import annotations

from sqlmodel import Session, select

from empathy.api import schemas as s
from empathy.models import (
    CREDENTIAL_KINDS,
    EmployeeProfile,
    HoursRecord,
    Match,
    Need,
    NeedCredential,
    NeedSkill,
    Notification,
    Site,
    Skill,
    User,
)
from empathy.volunteering.services.notifications import render


def site_by_code(session: Session, code: str | None) -> Site | None:
    """The site with this code (any case), or None."""
    if not code:
        return None
    return session.exec(select(Site).where(Site.code == code.strip())).first()


def site_codes(session: Session) -> dict[int, str]:
    """Every site's code by id."""
    return {site.id: site.code for site in session.exec(select(Site)).all()}


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


def my_match_out(m: Match, need: Need) -> s.MyMatch:
    return s.MyMatch(**match_out(m).model_dump(), need_title=need.title, need_starts_at=need.starts_at,
                     need_ends_at=need.ends_at, need_status=need.status)


def hours_out(r: HoursRecord) -> s.HoursOut:
    return s.HoursOut(id=r.id, need_id=r.need_id, match_id=r.match_id, user_id=r.user_id, hours=r.hours,
                      worked_on=r.worked_on, note=r.note or "", status=r.status,
                      rejection_reason=r.rejection_reason, reviewed_at=r.reviewed_at, created_at=r.created_at)


def user_out(u: User) -> s.UserOut:
    return s.UserOut(id=u.id, email=u.email, display_name=u.display_name, role=u.role,
                     preferred_language=u.preferred_language)


def admin_user_out(u: User) -> s.AdminUserOut:
    return s.AdminUserOut(**user_out(u).model_dump(), active=u.active, created_at=u.created_at)


def skill_out(k: Skill) -> s.SkillOut:
    return s.SkillOut(id=k.id, name=k.name, category=k.category, label_en=k.label_en, label_zh=k.label_zh or "",
                      synonyms=list(k.synonyms or []), needs_review=k.needs_review)


def notification_out(n: Notification) -> s.NotificationOut:
    return s.NotificationOut(id=n.id, kind=n.kind, text=render(n.kind, n.params or {}), link=n.link or "",
                             read_at=n.read_at, created_at=n.created_at)


def profile_out(session: Session, user: User, profile: EmployeeProfile,
                skills: list[tuple]) -> s.ProfileOut:
    code = site_codes(session).get(profile.site_id) if profile.site_id else None
    return s.ProfileOut(
        user_id=user.id, department=profile.department, bio=profile.bio, site=code,
        hours_per_month=profile.hours_per_month, available_weekdays=profile.available_weekdays,
        available_weekends=profile.available_weekends, available_evenings=profile.available_evenings,
        remote_ok=profile.remote_ok, is_suggestible=profile.is_suggestible,
        languages=list(profile.languages or []), causes=list(profile.causes or []),
        skills=[s.ProfileSkillOut(name=k.name, label_en=k.label_en, label_zh=k.label_zh or "", level=es.level,
                                  years=es.years, needs_review=k.needs_review) for es, k in skills],
        updated_at=profile.updated_at if profile.id else None,
    )
