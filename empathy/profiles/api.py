"""The caller's employee profile, and the skill taxonomy it draws on."""

from __future__ import annotations

from sqlmodel import Session

from empathy.admin.services import skills as skills_admin
from empathy.api import answers, bp, ok
from empathy.api.auth import BEARER, caller
from empathy.api.tags import ACCOUNT, SKILLS
from empathy.core.db import get_session
from empathy.core.labels import site_codes
from empathy.models import EmployeeProfile
from empathy.profiles import schemas as s
from empathy.profiles import services as profiles


def _profile(session: Session, profile: EmployeeProfile) -> s.ProfileOut:
    rows = profiles.profile_skills(session=session, profile=profile)
    site = site_codes(session).get(profile.site_id) if profile.site_id else None
    return s.profile_out(caller(), profile, rows, site)


@bp.get("/me/profile", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.ProfileOut))
def get_profile():
    """Your employee profile, skills included."""
    session = get_session()
    return ok(_profile(session, profiles.get_profile(session=session, user=caller())))


@bp.put("/me/profile", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.ProfileOut, 409))
def put_profile(body: s.ProfileIn):
    """Replace your profile (at most 50 skills); skill names the taxonomy lacks are created and flagged for review,
    at most 5 in one save (422 on the row of the sixth)."""
    session = get_session()
    return ok(_profile(session, profiles.update_profile(session=session, user=caller(), data=body)))


@bp.get("/skills", tags=[SKILLS], security=BEARER, responses=answers(200, s.SkillList))
def list_skills(query: s.SkillQuery):
    """The skill taxonomy, searchable by name, label or synonym."""
    page = skills_admin.list_skills(session=get_session(), query=query.q, page=query.page, per_page=query.per_page)
    return ok(s.SkillList(items=[s.skill_out(k) for k in page.items], total=page.total, page=page.page,
                          per_page=page.per_page))
