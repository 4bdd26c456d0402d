"""Credentials (employees record, administrators verify), the skill-gap report and the commitments calendar."""

from __future__ import annotations

from flask import Response, request
from flask_babel import get_locale

from empathy.admin.api import ADMIN, _plain
from empathy.api import AUTHED, answers, bp, ok, present
from empathy.api import schemas as s
from empathy.api import schemas_admin as sa
from empathy.api.auth import BEARER, caller, roles
from empathy.core.db import get_session
from empathy.models import Credential, Need
from empathy.needs.api import NEEDS
from empathy.profiles import credentials
from empathy.profiles.api import ACCOUNT
from empathy.reports import gaps
from empathy.volunteering.services import calendar


def _credential_out(c: Credential) -> sa.CredentialOut:
    return sa.CredentialOut(id=c.id, user_id=c.user_id, kind=c.kind, reference=c.reference or "",
                            expires_on=c.expires_on, verified_at=c.verified_at)


@bp.get("/me/credentials", tags=[ACCOUNT], security=BEARER, responses=answers(200, sa.CredentialList))
def my_credentials():
    """Your credentials; each counts once an administrator has verified it, until it expires."""
    rows = credentials.my_credentials(session=get_session(), user=caller())
    return ok(sa.CredentialList(items=[_credential_out(c) for c in rows], total=len(rows), page=1,
                                per_page=max(1, len(rows))))


@bp.post("/me/credentials", tags=[ACCOUNT], security=BEARER, responses=answers(200, sa.CredentialOut, 409))
def record_credential(body: sa.CredentialIn):
    """Record or renew a credential (`kind`: background_check, first_aid, health_certificate, driving_licence)."""
    row = credentials.record_credential(session=get_session(), user=caller(), kind=body.kind,
                                        expires_on=body.expires_on, reference=body.reference)
    return ok(_credential_out(row))


@bp.put("/needs/<int:need_id>/credentials", tags=[NEEDS], security=BEARER, responses=answers(200, s.NeedOut))
@roles("coordinator")
def set_need_credentials(path: s.NeedPath, body: sa.NeedCredentialsIn):
    """Set the credentials every volunteer of the need must hold before being confirmed (its coordinator or an admin)."""
    session = get_session()
    credentials.set_required_kinds(session=session, actor=caller(), need_id=path.need_id, kinds=list(body.kinds))
    return ok(present.need_out(session, session.get(Need, path.need_id)))


@bp.get("/admin/credentials", tags=[ADMIN], security=BEARER, responses=answers(200, sa.CredentialList))
@roles("admin")
def unverified_credentials(query: sa.UnverifiedQuery):
    """Credentials waiting for verification, oldest first."""
    page = credentials.unverified(session=get_session(), page=query.page)
    return ok(sa.CredentialList(items=[_credential_out(c) for c, _user in page.items], total=page.total,
                                page=page.page, per_page=page.per_page))


@bp.post("/admin/credentials/<int:credential_id>/verify", tags=[ADMIN], security=BEARER,
         responses=answers(200, sa.CredentialOut, 409))
@roles("admin")
def verify_credential(path: sa.CredentialPath):
    """Confirm you have seen the credential."""
    row = credentials.verify_credential(session=get_session(), actor=caller(), credential_id=path.credential_id)
    return ok(_credential_out(row))


def _table(t) -> s.ReportTable:
    return s.ReportTable(title=str(t.title), columns=[{"key": c.key, "header": str(c.header), "kind": c.kind}
                                                      for c in t.columns],
                         rows=[{k: _plain(v) for k, v in row.items()} for row in t.rows], total=t.total)


@bp.get("/reports/skills", tags=[ADMIN], security=BEARER, responses=answers(200, sa.SkillGapsOut))
@roles("coordinator")
def skill_gaps():
    """Skills open needs wait on (rarest first), the scarce ones, and common skills no open need uses."""
    data = gaps.skill_gaps(session=get_session(), lang=str(get_locale() or "en").split("_")[0])
    return ok(sa.SkillGapsOut(few=data.few, wanted=_table(data.wanted), scarce=_table(data.scarce),
                              unused=_table(data.unused)))


def _calendar_answers() -> dict:
    out: dict = {200: {"description": "An iCalendar file.", "content": {"text/calendar": {"schema": {"type": "string"}}}}}
    for code in AUTHED:
        out[code] = s.Problem
    return out


@bp.get("/me/commitments.ics", tags=[ACCOUNT], security=BEARER, responses=_calendar_answers())
def commitments_ics():
    """Your confirmed commitments as an iCalendar file."""
    body = calendar.commitments_calendar(session=get_session(), user=caller(), host=request.host.split(":")[0])
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="empathy-commitments.ics"'})
