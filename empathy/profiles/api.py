"""Tokens, the caller's own account, profile, suggestions, commitments and notifications; the skills."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_openapi3 import Tag

from empathy.accounts.services import auth as auth_service
from empathy.accounts.services import tokens as token_service
from empathy.admin.services import skills as skills_admin
from empathy.api import answers, bp, ok, present
from empathy.api import schemas as s
from empathy.api.auth import BEARER, caller, public
from empathy.api.problems import problem
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.runtime import match_index
from empathy.extensions import limiter
from empathy.profiles import services as profiles
from empathy.suggestions import services as suggestions
from empathy.volunteering.services import notifications, signups

ACCOUNT = Tag(name="account", description="Tokens, your profile, suggestions and notifications")
SKILLS = Tag(name="skills", description="The skill taxonomy")


def _failed(response) -> bool:
    return response.status_code != 200


def _account_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) and isinstance(body.get("email"), str) else ""
    return "api-token-account:" + auth_service.normalize_email(email)


@bp.post("/auth/token", tags=[ACCOUNT], responses={200: s.TokenOut, 401: s.Problem, 413: s.Problem,
                                                    422: s.Problem, 429: s.Problem})
@limiter.limit(lambda: current_app.config["LOGIN_FAILURE_LIMITS"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_FAILURE_LIMITS"], key_func=_account_key,
               deduct_when=_failed)
@public
def create_token(body: s.TokenRequest):
    """Exchange an email and password (and, with two-factor sign-in, a code) for a token valid for 30 days."""
    try:
        made = token_service.issue_token(session=get_session(), email=body.email, password=body.password,
                                         secret_key=current_app.config["SECRET_KEY"], name=body.name, otp=body.otp,
                                         required_roles=tuple(current_app.config["TWO_FACTOR_REQUIRED_ROLES"]))
    except ServiceError as exc:
        return problem(401, exc.message)
    if made is None:
        return problem(401, _("The email or password is not correct."))
    row, secret = made
    return ok(s.TokenOut(token=secret, expires_at=row.expires_at))


@bp.get("/me", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.UserOut))
def get_me():
    """The account the token belongs to."""
    return ok(present.user_out(caller()))


@bp.get("/me/profile", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.ProfileOut))
def get_profile():
    """Your employee profile, skills included."""
    session = get_session()
    profile = profiles.get_profile(session=session, user=caller())
    rows = profiles.profile_skills(session=session, profile=profile)
    return ok(present.profile_out(session, caller(), profile, rows))


@bp.put("/me/profile", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.ProfileOut, 409))
def put_profile(body: s.ProfileIn):
    """Replace your profile; skill names the taxonomy lacks are created and flagged for review."""
    session = get_session()
    site = present.site_by_code(session, body.site)
    if body.site and site is None:
        raise ServiceError(_("Choose one of the listed sites."), field="site")
    data = profiles.ProfileInput(
        **body.model_dump(exclude={"site", "skills"}), site_id=site.id if site else None,
        skills=[profiles.SkillInput(name=k.name, level=k.level, years=k.years) for k in body.skills])
    profile = profiles.update_profile(session=session, user=caller(), data=data)
    rows = profiles.profile_skills(session=session, profile=profile)
    return ok(present.profile_out(session, caller(), profile, rows))


@bp.get("/me/suggestions", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.SuggestedNeedList))
def my_suggestions(query: s.SuggestionQuery):
    """Open needs that fit your skills, best first (empty until the matcher has been fitted)."""
    session = get_session()
    found = suggestions.suggest_needs(session=session, index=match_index(), user=caller(), k=query.limit) or []
    needs = present.needs_out(session, [f.need for f in found])
    items = [s.SuggestedNeed(need=n, score=f.score, explanation=f.explanation) for n, f in zip(needs, found)]
    return ok(s.SuggestedNeedList(items=items, total=len(items), page=1, per_page=query.limit))


@bp.get("/me/matches", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.MyMatchList))
def my_matches():
    """Your invitations, sign-ups and commitments, current and past."""
    c = signups.my_commitments(session=get_session(), user=caller())
    rows = [*c.invitations, *c.volunteered, *c.confirmed, *c.past]
    items = [present.my_match_out(m, n) for m, n in rows]
    return ok(s.MyMatchList(items=items, total=len(items), page=1, per_page=max(1, len(items))))


@bp.get("/me/notifications", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.NotificationList))
def my_notifications(query: s.Paging):
    """Your notifications, newest first."""
    page = notifications.list_notifications(session=get_session(), user=caller(), page=query.page,
                                            per_page=query.per_page)
    return ok(s.NotificationList(items=[present.notification_out(n) for n in page.items], total=page.total,
                                 page=page.page, per_page=page.per_page))


@bp.post("/me/notifications/read", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.ReadOut))
def read_all_notifications():
    """Mark all your notifications read."""
    return ok(s.ReadOut(changed=notifications.mark_read(session=get_session(), user=caller())))


@bp.post("/me/notifications/<int:notification_id>/read", tags=[ACCOUNT], security=BEARER,
         responses=answers(200, s.ReadOut))
def read_notification(path: s.NotificationPath):
    """Mark one of your notifications read."""
    changed = notifications.mark_read(session=get_session(), user=caller(), notification_id=path.notification_id)
    return ok(s.ReadOut(changed=changed))


@bp.get("/skills", tags=[SKILLS], security=BEARER, responses=answers(200, s.SkillList))
def list_skills(query: s.SkillQuery):
    """The skill taxonomy, searchable by name, label or synonym."""
    page = skills_admin.list_skills(session=get_session(), query=query.q, page=query.page, per_page=query.per_page)
    return ok(s.SkillList(items=[present.skill_out(k) for k in page.items], total=page.total, page=page.page,
                          per_page=page.per_page))
