"""Administrators: change users, keep the skill taxonomy and the sites, download CSV exports."""

from __future__ import annotations

from flask import Response

from empathy.admin import schemas as s
from empathy.admin.services import exports, sites
from empathy.admin.services import skills as skills_admin
from empathy.admin.services import users as admin
from empathy.api import answers, bp, file_answers, ok
from empathy.api.auth import BEARER, caller, roles
from empathy.api.tags import ADMIN
from empathy.core.db import get_session, utcnow
from empathy.core.runtime import org_timezone
from empathy.profiles.schemas import SkillList, SkillOut, skill_out

CSV_ANSWERS = file_answers("text/csv", "A CSV file (UTF-8).")


@bp.patch("/admin/users/<int:user_id>", tags=[ADMIN], security=BEARER, responses=answers(200, s.AdminUserOut))
@roles("admin")
def patch_user(path: s.UserPath, body: s.UserPatch):
    """Change a user's role and/or deactivate or reactivate the account (never your own)."""
    session = get_session()
    user = admin.get_user(session=session, user_id=path.user_id)
    # Activation first: each refusal concerns only one's own account, so nothing is half applied.
    if body.active is not None:
        user = admin.set_user_active(session=session, actor=caller(), user_id=user.id, active=body.active)
    if body.role is not None:
        user = admin.change_role(session=session, actor=caller(), user_id=user.id, role=body.role)
    return ok(s.admin_user_out(user))


@bp.get("/admin/skills", tags=[ADMIN], security=BEARER, responses=answers(200, SkillList))
@roles("admin")
def admin_skills(query: s.AdminSkillQuery):
    """The taxonomy, those waiting for review first; `review=true` lists only those."""
    page = skills_admin.list_skills(session=get_session(), query=query.q, needs_review=query.review,
                                    page=query.page, per_page=query.per_page)
    return ok(SkillList(items=[skill_out(k) for k in page.items], total=page.total, page=page.page,
                          per_page=page.per_page))


def _skill_input(body) -> skills_admin.SkillInput:
    return skills_admin.SkillInput(name=body.name, label_en=body.label_en, label_zh=body.label_zh,
                                   category=body.category, synonyms="\n".join(body.synonyms),
                                   related="\n".join(body.related))


@bp.post("/admin/skills", tags=[ADMIN], security=BEARER, responses=answers(201, SkillOut, 409))
@roles("admin")
def create_skill(body: s.SkillIn):
    """Add a reviewed skill; names, labels and synonyms must not name another skill (409)."""
    skill = skills_admin.create_skill(session=get_session(), data=_skill_input(body))
    return ok(skill_out(skill), 201)


@bp.patch("/admin/skills/<int:skill_id>", tags=[ADMIN], security=BEARER, responses=answers(200, SkillOut, 409))
@roles("admin")
def patch_skill(path: s.SkillPath, body: s.SkillPatch):
    """Change some fields of a skill; `reviewed: true` accepts it into the taxonomy."""
    session = get_session()
    skill = skills_admin.get_skill(session=session, skill_id=path.skill_id)
    fields = body.model_fields_set - {"reviewed"}
    if any(getattr(body, f) is not None for f in fields):
        current = s.SkillIn.model_construct(name=skill.name, label_en=skill.label_en, label_zh=skill.label_zh or "",
                                             category=skill.category, synonyms=list(skill.synonyms or []),
                                             related=list(skill.related or []))
        merged = current.model_copy(update={f: getattr(body, f) for f in fields if getattr(body, f) is not None})
        skill = skills_admin.update_skill(session=session, skill_id=skill.id, data=_skill_input(merged),
                                          mark_reviewed=bool(body.reviewed))
    elif body.reviewed:
        skill = skills_admin.mark_reviewed(session=session, skill_id=skill.id)
    return ok(skill_out(skill))


@bp.post("/admin/skills/<int:skill_id>/merge", tags=[ADMIN], security=BEARER,
         responses=answers(200, SkillOut, 409))
@roles("admin")
def merge_skill(path: s.SkillPath, body: s.MergeIn):
    """Move every use of this skill onto `into`, keep its names as synonyms there, and delete it."""
    kept = skills_admin.merge_skills(session=get_session(), keep_id=body.into, merge_id=path.skill_id,
                                     actor_id=caller().id)
    return ok(skill_out(kept))


@bp.get("/admin/sites", tags=[ADMIN], security=BEARER, responses=answers(200, s.SiteList))
@roles("admin")
def list_sites():
    """Every site, inactive ones included."""
    rows = sites.list_sites(session=get_session(), include_inactive=True)
    return ok(s.SiteList(items=[s.site_out(x) for x in rows], total=len(rows), page=1, per_page=max(1, len(rows))))


@bp.post("/admin/sites", tags=[ADMIN], security=BEARER, responses=answers(201, s.SiteOut, 409))
@roles("admin")
def create_site(body: s.SiteIn):
    """Add a site; codes are unique (409)."""
    site = sites.create_site(session=get_session(), code=body.code, name_en=body.name_en, name_zh=body.name_zh)
    return ok(s.site_out(site), 201)


@bp.patch("/admin/sites/<int:site_id>", tags=[ADMIN], security=BEARER, responses=answers(200, s.SiteOut, 409))
@roles("admin")
def patch_site(path: s.SitePath, body: s.SitePatch):
    """Change a site's code or names, or (de)activate it; references by id are unaffected."""
    session = get_session()
    site = sites.get_site(session=session, site_id=path.site_id)
    changes = {f: getattr(body, f) for f in ("code", "name_en", "name_zh") if getattr(body, f) is not None}
    if changes:
        site = sites.update_site(session=session, site_id=site.id, **{
            "code": site.code, "name_en": site.name_en, "name_zh": site.name_zh or "", **changes})
    if body.active is not None:
        site = sites.set_site_active(session=session, site_id=site.id, active=body.active, actor=caller())
    return ok(s.site_out(site))


def _csv(data: bytes, stem: str) -> Response:
    return Response(data, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{stem}-{utcnow():%Y%m%d}.csv"'})


@bp.get("/admin/exports/employees.csv", tags=[ADMIN], security=BEARER, responses=CSV_ANSWERS)
@roles("admin")
def export_employees():
    """Every employee with their profile and skills, as on the export page."""
    return _csv(exports.export_employees_csv(session=get_session()), "employees")


@bp.get("/admin/exports/needs.csv", tags=[ADMIN], security=BEARER, responses=CSV_ANSWERS)
@roles("admin")
def export_needs():
    """Every need with its skills and seats; times in the organisation's time zone."""
    data = exports.export_needs_csv(session=get_session(), timezone=org_timezone().key)
    return _csv(data, "needs")
